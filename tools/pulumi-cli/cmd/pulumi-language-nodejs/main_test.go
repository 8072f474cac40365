package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// writeFile writes a file under dir, creating its folders.
func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// nodeOrSkip returns the node binary; without one the Run tests cannot start a program. CI always has
// Node, so there a missing one is a failure rather than a skip.
func nodeOrSkip(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node is not on the PATH: %v", err)
		}
		t.Skip("node is not on the PATH; install Node.js 22 or later to run the Run tests")
	}
	return node
}

func TestProgramEnvSendsAnEmptyConfigAsAnObject(t *testing.T) {
	cases := []struct {
		name    string
		req     *pulumirpc.RunRequest
		options nodeOptions
		want    []string
	}{
		{
			name:    "a stack with no configuration at all",
			req:     &pulumirpc.RunRequest{},
			options: nodeOptions{typescript: true},
			want: []string{
				"PULUMI_CONFIG={}", "PULUMI_CONFIG_SECRET_KEYS=[]", "PULUMI_NODEJS_TYPESCRIPT=true",
			},
		},
		{
			name: "configuration, secret keys and a tsconfig",
			req: &pulumirpc.RunRequest{
				Config:           map[string]string{"proj:workersMax": "3", "runfleet:apiKey": "k"},
				ConfigSecretKeys: []string{"runfleet:apiKey"},
			},
			options: nodeOptions{typescript: false, tsconfig: "tsconfig.pulumi.json"},
			want: []string{
				`PULUMI_CONFIG={"proj:workersMax":"3","runfleet:apiKey":"k"}`,
				`PULUMI_CONFIG_SECRET_KEYS=["runfleet:apiKey"]`,
				"PULUMI_NODEJS_TYPESCRIPT=false",
				"PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.pulumi.json",
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := programEnv(c.req, c.options)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("programEnv() = %q, want %q", got, c.want)
			}
		})
	}
}

func TestRuntimeOptions(t *testing.T) {
	options := func(fields map[string]any) *structpb.Struct {
		s, err := structpb.NewStruct(fields)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := []struct {
		name    string
		options *structpb.Struct
		want    nodeOptions
	}{
		{"no options: TypeScript on, as Pulumi's own host", nil, nodeOptions{typescript: true}},
		{"typescript off", options(map[string]any{"typescript": false}), nodeOptions{}},
		{
			"tsconfig and node arguments split on spaces",
			options(map[string]any{"tsconfig": "tsconfig.build.json", "nodeargs": "--enable-source-maps  --no-warnings"}),
			nodeOptions{typescript: true, tsconfig: "tsconfig.build.json", nodeArgs: []string{"--enable-source-maps", "--no-warnings"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := runtimeOptions(c.options); !reflect.DeepEqual(got, c.want) {
				t.Errorf("runtimeOptions() = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestPluginOf(t *testing.T) {
	cases := []struct {
		name string
		pkg  string
		want *pulumirpc.PackageDependency
	}{
		{
			"a @pulumi package: the scope is dropped, the version gets a v",
			`{"name":"@pulumi/docker","version":"4.5.0","pulumi":{"resource":true}}`,
			&pulumirpc.PackageDependency{Name: "docker", Kind: "resource", Version: "v4.5.0"},
		},
		{
			"pulumi.name, pulumi.version and pulumi.server win",
			`{"name":"@runpod/pulumi-runpod","version":"1.0.0","pulumi":{"resource":true,"name":"runpod","version":"v1.9.99","server":"github://api.github.com/runpod/pulumi-runpod-native"}}`,
			&pulumirpc.PackageDependency{
				Name: "runpod", Kind: "resource", Version: "v1.9.99",
				Server: "github://api.github.com/runpod/pulumi-runpod-native",
			},
		},
		{
			"another scope: only the @ is dropped",
			`{"name":"@acme/thing","version":"2.0.0","pulumi":{"resource":true}}`,
			&pulumirpc.PackageDependency{Name: "acme/thing", Kind: "resource", Version: "v2.0.0"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var pkg packageJSON
			if err := json.Unmarshal([]byte(c.pkg), &pkg); err != nil {
				t.Fatal(err)
			}
			got := pluginOf(pkg)
			if got.GetName() != c.want.GetName() || got.GetKind() != c.want.GetKind() ||
				got.GetVersion() != c.want.GetVersion() || got.GetServer() != c.want.GetServer() {
				t.Errorf("pluginOf() = %v, want %v", got, c.want)
			}
		})
	}
}

// programWithDependencies lays out a program whose dependency graph reaches two resource plugins (one
// directly, one through a plain package), next to a hoisted package that also declares a plugin but that
// the program does not depend on, as another npm workspace would leave it.
func programWithDependencies(t *testing.T) (root, program string) {
	t.Helper()
	root = t.TempDir()
	program = filepath.Join(root, "app")
	writeFile(t, program, "package.json", `{"name":"app","dependencies":{"@pulumi/docker":"^4","helper":"1"}}`)
	writeFile(t, root, "node_modules/@pulumi/docker/package.json",
		`{"name":"@pulumi/docker","version":"4.5.0","pulumi":{"resource":true}}`)
	writeFile(t, root, "node_modules/helper/package.json",
		`{"name":"helper","version":"1.0.0","dependencies":{"@pulumi/random":"^4"}}`)
	writeFile(t, root, "node_modules/helper/node_modules/@pulumi/random/package.json",
		`{"name":"@pulumi/random","version":"4.16.0","pulumi":{"resource":true}}`)
	writeFile(t, root, "node_modules/@pulumi/aws/package.json",
		`{"name":"@pulumi/aws","version":"6.0.0","pulumi":{"resource":true}}`)
	return root, program
}

func TestGetRequiredPackagesFollowsTheProgramsDependencies(t *testing.T) {
	_, program := programWithDependencies(t)
	host := &nodeHost{}
	answer, err := host.GetRequiredPackages(context.Background(), &pulumirpc.GetRequiredPackagesRequest{
		Info: &pulumirpc.ProgramInfo{ProgramDirectory: program},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range answer.GetPackages() {
		got = append(got, p.GetName()+"@"+p.GetVersion())
	}
	if want := []string{"docker@v4.5.0", "random@v4.16.0"}; !reflect.DeepEqual(got, want) {
		t.Errorf("packages = %v, want %v (not the hoisted aws the program does not use)", got, want)
	}
}

func TestGetRequiredPackagesErrors(t *testing.T) {
	host := &nodeHost{}
	if _, err := host.GetRequiredPackages(context.Background(), &pulumirpc.GetRequiredPackagesRequest{}); err == nil ||
		!strings.Contains(err.Error(), "no program directory") {
		t.Errorf("no directory: err = %v, want one naming the missing program directory", err)
	}
	_, err := host.GetRequiredPackages(context.Background(), &pulumirpc.GetRequiredPackagesRequest{
		Info: &pulumirpc.ProgramInfo{ProgramDirectory: t.TempDir()},
	})
	if err == nil || !strings.Contains(err.Error(), "package.json") {
		t.Errorf("no package.json: err = %v, want one naming package.json", err)
	}
}

func TestGetRequiredPluginsAcceptsTheOlderRequestForm(t *testing.T) {
	_, program := programWithDependencies(t)
	host := &nodeHost{}
	// Older engines send only the program directory in `program`.
	answer, err := host.GetRequiredPlugins(context.Background(), &pulumirpc.GetRequiredPluginsRequest{Program: program})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range answer.GetPlugins() {
		got = append(got, p.GetKind()+":"+p.GetName()+"@"+p.GetVersion())
	}
	if want := []string{"resource:docker@v4.5.0", "resource:random@v4.16.0"}; !reflect.DeepEqual(got, want) {
		t.Errorf("plugins = %v, want %v", got, want)
	}
}

func TestHandshakeRecordsTheEngineAddress(t *testing.T) {
	host := &nodeHost{engineAddress: "127.0.0.1:1"}
	if _, err := host.Handshake(context.Background(), &pulumirpc.LanguageHandshakeRequest{}); err != nil {
		t.Fatal(err)
	}
	if host.engineAddress != "127.0.0.1:1" {
		t.Errorf("an empty address replaced the one from the command line: %q", host.engineAddress)
	}
	if _, err := host.Handshake(context.Background(), &pulumirpc.LanguageHandshakeRequest{
		EngineAddress: "127.0.0.1:4242",
	}); err != nil {
		t.Fatal(err)
	}
	if host.engineAddress != "127.0.0.1:4242" {
		t.Errorf("engineAddress = %q, want the handshake's", host.engineAddress)
	}
}

// runnerRecord is what the stand-in runner writes: what a real runner would have been given.
type runnerRecord struct {
	Argv       []string          `json:"argv"`
	Config     map[string]string `json:"config"`
	SecretKeys []string          `json:"secretKeys"`
	TypeScript string            `json:"typescript"`
	Cwd        string            `json:"cwd"`
}

// standInRunner writes a script that records its arguments and the configuration it was given (parsing
// it as @pulumi/pulumi's runner does), then exits with RUNNER_EXIT_CODE; the host is pointed at it.
func standInRunner(t *testing.T) (record string) {
	t.Helper()
	dir := t.TempDir()
	record = filepath.Join(dir, "record.json")
	writeFile(t, dir, "run.js", `
const fs = require("node:fs");
const config = JSON.parse(process.env.PULUMI_CONFIG);
Object.keys(config); // what the runner's parseConfig does first; null would throw here
fs.writeFileSync(process.env.RUNNER_RECORD, JSON.stringify({
  argv: process.argv.slice(2),
  config,
  secretKeys: JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS),
  typescript: process.env.PULUMI_NODEJS_TYPESCRIPT,
  cwd: process.cwd(),
}));
process.exit(Number(process.env.RUNNER_EXIT_CODE || 0));
`)
	t.Setenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH", filepath.Join(dir, "run.js"))
	t.Setenv("RUNNER_RECORD", record)
	return record
}

func TestRunAStackWithNoConfiguration(t *testing.T) {
	nodeOrSkip(t)
	record := standInRunner(t)
	program := t.TempDir()
	host := &nodeHost{engineAddress: "127.0.0.1:4000"}
	answer, err := host.Run(context.Background(), &pulumirpc.RunRequest{
		Project:        "proj",
		Stack:          "dev",
		Pwd:            program,
		MonitorAddress: "127.0.0.1:5000",
		DryRun:         true,
		Parallel:       8,
		Info:           &pulumirpc.ProgramInfo{ProgramDirectory: program, RootDirectory: program},
	})
	if err != nil {
		t.Fatal(err)
	}
	if answer.GetError() != "" || answer.GetBail() {
		t.Fatalf("Run answered %v, want success", answer)
	}
	data, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	var got runnerRecord
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	wantArgv := []string{
		"--monitor", "127.0.0.1:5000", "--engine", "127.0.0.1:4000", "--project", "proj", "--stack", "dev",
		"--pwd", program, "--root-directory", program, "--dry-run", "--parallel", "8", ".",
	}
	if !reflect.DeepEqual(got.Argv, wantArgv) {
		t.Errorf("argv = %q, want %q", got.Argv, wantArgv)
	}
	if len(got.Config) != 0 || got.SecretKeys == nil || len(got.SecretKeys) != 0 {
		t.Errorf("config = %v, secret keys = %v; want both empty (and not null)", got.Config, got.SecretKeys)
	}
	if got.TypeScript != "true" || got.Cwd != program {
		t.Errorf("typescript = %q, cwd = %q; want true and the program directory", got.TypeScript, got.Cwd)
	}
}

func TestRunPassesConfigurationAndOptions(t *testing.T) {
	nodeOrSkip(t)
	record := standInRunner(t)
	program := t.TempDir()
	options, err := structpb.NewStruct(map[string]any{"typescript": false})
	if err != nil {
		t.Fatal(err)
	}
	host := &nodeHost{}
	answer, err := host.Run(context.Background(), &pulumirpc.RunRequest{
		Pwd:              program,
		Config:           map[string]string{"proj:workersMax": "3"},
		ConfigSecretKeys: []string{"proj:workersMax"},
		Args:             []string{"extra"},
		Info:             &pulumirpc.ProgramInfo{ProgramDirectory: program, EntryPoint: "dist/index.js", Options: options},
	})
	if err != nil || answer.GetError() != "" {
		t.Fatalf("Run: %v %v", answer, err)
	}
	data, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	var got runnerRecord
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got.Config["proj:workersMax"] != "3" || !reflect.DeepEqual(got.SecretKeys, []string{"proj:workersMax"}) {
		t.Errorf("config = %v, secret keys = %v", got.Config, got.SecretKeys)
	}
	if got.TypeScript != "false" {
		t.Errorf("typescript = %q, want false from the runtime options", got.TypeScript)
	}
	if n := len(got.Argv); n < 2 || got.Argv[n-2] != "dist/index.js" || got.Argv[n-1] != "extra" {
		t.Errorf("argv = %q, want the entry point then the program's arguments last", got.Argv)
	}
}

func TestRunReportsHowTheProgramEnded(t *testing.T) {
	nodeOrSkip(t)
	standInRunner(t)
	cases := []struct {
		exitCode  string
		wantBail  bool
		wantError string
	}{
		{"32", true, ""}, // the runner already reported the error to the user
		{"3", false, "the program exited with code 3"},
	}
	for _, c := range cases {
		t.Run("exit "+c.exitCode, func(t *testing.T) {
			t.Setenv("RUNNER_EXIT_CODE", c.exitCode)
			program := t.TempDir()
			answer, err := (&nodeHost{}).Run(context.Background(), &pulumirpc.RunRequest{
				Pwd: program, Info: &pulumirpc.ProgramInfo{ProgramDirectory: program},
			})
			if err != nil {
				t.Fatal(err)
			}
			if answer.GetBail() != c.wantBail || answer.GetError() != c.wantError {
				t.Errorf("Run = bail %v error %q, want bail %v error %q",
					answer.GetBail(), answer.GetError(), c.wantBail, c.wantError)
			}
		})
	}
}

func TestRunWithoutPulumiInstalled(t *testing.T) {
	nodeOrSkip(t)
	t.Setenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH", "")
	program := t.TempDir()
	answer, err := (&nodeHost{}).Run(context.Background(), &pulumirpc.RunRequest{
		Pwd: program, Info: &pulumirpc.ProgramInfo{ProgramDirectory: program},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(answer.GetError(), "@pulumi/pulumi is not installed") {
		t.Errorf("Run error = %q, want one saying @pulumi/pulumi is not installed", answer.GetError())
	}
}

// TestServedOverGRPC checks the host as the CLI reaches it: registered on a gRPC server, over a socket.
func TestServedOverGRPC(t *testing.T) {
	host := &nodeHost{}
	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(server *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(server, host)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		close(cancel)
		<-handle.Done
	}()
	conn, err := grpc.NewClient(
		"127.0.0.1:"+strconv.Itoa(handle.Port), grpc.WithTransportCredentials(insecure.NewCredentials()),
	)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := pulumirpc.NewLanguageRuntimeClient(conn)
	info, err := client.GetPluginInfo(context.Background(), &emptypb.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	if info.GetVersion() != version {
		t.Errorf("version = %q, want %q", info.GetVersion(), version)
	}
	_, err = client.GenerateProject(context.Background(), &pulumirpc.GenerateProjectRequest{})
	if err == nil || !strings.Contains(err.Error(), "Unimplemented") {
		t.Errorf("GenerateProject err = %v, want Unimplemented", err)
	}
}
