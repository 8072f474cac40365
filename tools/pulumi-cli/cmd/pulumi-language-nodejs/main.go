// Command pulumi-language-nodejs is Runfleet's Node.js language host for the Pulumi CLI.
//
// The Pulumi CLI runs a program through a language host: a plugin that serves the LanguageRuntime gRPC
// service and starts the program. Pulumi's own Node.js host lives in a Go module that the Go module proxy
// reachable here does not serve, so `pulumi up` in a project folder would stop at "no language plugin
// 'pulumi-language-nodejs' found". This host does the part a Node.js program needs: it reports the
// resource plugins the program's dependencies declare, and runs the program with the runner that ships
// in the npm package @pulumi/pulumi (`@pulumi/pulumi/cmd/run`), which connects back to the engine.
//
// Scope: running programs (`pulumi preview`, `up`, `refresh`, `destroy`). Code generation, `pulumi new`
// and `pulumi install` answer Unimplemented; use npm for dependencies.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// version is stamped by scripts/pulumi-cli.sh with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

// bailExitCode is the exit code @pulumi/pulumi's runner uses when it has already reported the error to
// the user; the engine should then stop without printing a second, generic message.
const bailExitCode = 32

func main() {
	// The CLI starts a language plugin as `pulumi-language-nodejs [-flag=value ...] <engine address>`. The
	// flags differ between CLI versions (-root, -tracing, runtime options), so they are accepted and ignored;
	// the host learns what it needs from Handshake and from each request.
	host := &nodeHost{}
	for _, arg := range os.Args[1:] {
		if !strings.HasPrefix(arg, "-") {
			host.engineAddress = arg
		}
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(server *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(server, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start its gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The first line on stdout tells the CLI where to connect.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: gRPC server stopped: %v\n", err)
		os.Exit(1)
	}
}

// nodeHost serves the LanguageRuntime operations that running a Node.js program needs.
type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

// Handshake records the engine's address (newer CLIs send it here instead of on the command line).
func (h *nodeHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// GetPluginInfo reports this host's version.
func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPackages lists the resource plugins that the program's npm dependencies declare
// (`"pulumi": { "resource": true }` in their package.json), so that the engine can load them.
func (h *nodeHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		return nil, errors.New("the request names no program directory")
	}
	packages, err := requiredPackages(dir)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

// GetRequiredPlugins is the older form of GetRequiredPackages, still asked by some engine paths.
func (h *nodeHost) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	info := req.GetInfo()
	if info.GetProgramDirectory() == "" {
		info = &pulumirpc.ProgramInfo{ProgramDirectory: req.GetProgram()}
	}
	answer, err := h.GetRequiredPackages(ctx, &pulumirpc.GetRequiredPackagesRequest{Info: info})
	if err != nil {
		return nil, err
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(answer.GetPackages()))
	for _, p := range answer.GetPackages() {
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.GetName(), Kind: p.GetKind(), Version: p.GetVersion(), Server: p.GetServer(),
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// Run starts the program with @pulumi/pulumi's runner and waits for it. A program that fails is
// answered with its error in the response (not as an RPC error), as the engine expects.
func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the PATH (Node.js 22 or later is needed)"}, nil
	}
	runner := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runner == "" {
		pkg, found := resolvePackage("@pulumi/pulumi", programDir)
		if !found {
			return &pulumirpc.RunResponse{
				Error: "@pulumi/pulumi is not installed for " + programDir + ": run npm install",
			}, nil
		}
		runner = filepath.Join(pkg, "cmd", "run")
	}
	options := runtimeOptions(info.GetOptions())

	args := append([]string{}, options.nodeArgs...)
	args = append(args, runner)
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", h.engineAddress)
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("stack", req.GetStack())
	flag("pwd", req.GetPwd())
	flag("root-directory", info.GetRootDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() != 0 {
		flag("parallel", fmt.Sprint(req.GetParallel()))
	}
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	env, err := programEnv(req, options)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = programDir
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if exit.ExitCode() == bailExitCode {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("the program exited with code %d", exit.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the program with %s: %v", node, err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// programEnv is what the runner of @pulumi/pulumi reads from its environment: the stack's configuration
// and which of its keys are secret, as JSON objects, and the TypeScript settings. A stack without any
// configuration arrives as a nil map; it is sent as `{}`, because the runner's parseConfig reads the
// variable with Object.keys and fails on `null`.
func programEnv(req *pulumirpc.RunRequest, options nodeOptions) ([]string, error) {
	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	encodedConfig, err := json.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("encoding the stack configuration: %w", err)
	}
	secretKeys, err := json.Marshal(nonNil(req.GetConfigSecretKeys()))
	if err != nil {
		return nil, fmt.Errorf("encoding the secret configuration keys: %w", err)
	}
	env := []string{
		"PULUMI_CONFIG=" + string(encodedConfig),
		"PULUMI_CONFIG_SECRET_KEYS=" + string(secretKeys),
		"PULUMI_NODEJS_TYPESCRIPT=" + fmt.Sprint(options.typescript),
	}
	if options.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+options.tsconfig)
	}
	return env, nil
}

// nodeOptions are the `runtime.options` of Pulumi.yaml that change how the program is started.
type nodeOptions struct {
	// typescript: run .ts files through ts-node (default true, as Pulumi's own host).
	typescript bool
	// tsconfig: the tsconfig file ts-node uses.
	tsconfig string
	// nodeargs: extra arguments for node, split on spaces.
	nodeArgs []string
}

func runtimeOptions(options *structpb.Struct) nodeOptions {
	result := nodeOptions{typescript: true}
	if options == nil {
		return result
	}
	fields := options.GetFields()
	if value, ok := fields["typescript"]; ok {
		result.typescript = value.GetBoolValue()
	}
	if value, ok := fields["tsconfig"]; ok {
		result.tsconfig = value.GetStringValue()
	}
	if value, ok := fields["nodeargs"]; ok {
		result.nodeArgs = strings.Fields(value.GetStringValue())
	}
	return result
}

func nonNil(values []string) []string {
	if values == nil {
		return []string{}
	}
	return values
}
