package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// packageJSON is the part of a package.json this host reads.
type packageJSON struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Dependencies         map[string]string `json:"dependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	Pulumi               struct {
		// Resource marks a package that needs a resource plugin of the same name.
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(dir string) (packageJSON, error) {
	var pkg packageJSON
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return pkg, err
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		return pkg, fmt.Errorf("%s: %w", filepath.Join(dir, "package.json"), err)
	}
	return pkg, nil
}

// resolvePackage finds the directory of an npm package the way Node does: in node_modules of `from`,
// then of each parent directory (npm workspaces hoist packages to the repository root).
func resolvePackage(name, from string) (string, bool) {
	for dir := from; ; dir = filepath.Dir(dir) {
		candidate := filepath.Join(dir, "node_modules", filepath.FromSlash(name))
		if info, err := os.Stat(filepath.Join(candidate, "package.json")); err == nil && !info.IsDir() {
			return candidate, true
		}
		if filepath.Dir(dir) == dir {
			return "", false
		}
	}
}

// requiredPackages walks the program's dependency graph (its package.json, then the dependencies of each
// dependency) and returns the resource plugins the packages in it declare. Only what the program really
// depends on counts: a hoisted node_modules also holds other workspaces' packages.
func requiredPackages(programDir string) ([]*pulumirpc.PackageDependency, error) {
	root, err := readPackageJSON(programDir)
	if err != nil {
		return nil, fmt.Errorf("reading the program's package.json: %w", err)
	}
	seen := map[string]bool{}
	found := map[string]*pulumirpc.PackageDependency{}
	var visit func(deps map[string]string, from string) error
	visit = func(deps map[string]string, from string) error {
		for name := range deps {
			dir, ok := resolvePackage(name, from)
			if !ok || seen[dir] {
				continue // an optional or uninstalled dependency; npm reports those, not the host
			}
			seen[dir] = true
			pkg, err := readPackageJSON(dir)
			if err != nil {
				return err
			}
			if pkg.Pulumi.Resource {
				dependency := pluginOf(pkg)
				found[dependency.GetName()+"@"+dependency.GetVersion()] = dependency
			}
			if err := visit(pkg.Dependencies, dir); err != nil {
				return err
			}
			if err := visit(pkg.OptionalDependencies, dir); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(root.Dependencies, programDir); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(found))
	for key := range found {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	packages := make([]*pulumirpc.PackageDependency, 0, len(keys))
	for _, key := range keys {
		packages = append(packages, found[key])
	}
	return packages, nil
}

// pluginOf names the plugin of a package: `pulumi.name` when given, else the package name without the
// @pulumi/ scope (or without the leading @ of another scope); the version with a leading v.
func pluginOf(pkg packageJSON) *pulumirpc.PackageDependency {
	name := pkg.Pulumi.Name
	if name == "" {
		name = strings.TrimPrefix(strings.TrimPrefix(pkg.Name, "@pulumi/"), "@")
	}
	version := pkg.Pulumi.Version
	if version == "" {
		version = pkg.Version
	}
	if version != "" && !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	return &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: version, Server: pkg.Pulumi.Server}
}
