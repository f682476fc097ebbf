package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

type goHost struct {
	base
}

func goTool() (string, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the go toolchain is not on PATH (Go programs are built with it): install Go from https://go.dev/dl")
	}
	return gobin, nil
}

func (h *goHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	program, _ := info.GetOptions().AsMap()["binary"].(string)
	if program != "" {
		// A prebuilt program, relative to the program directory as upstream reads it.
		if !filepath.IsAbs(program) {
			program = filepath.Join(dir, program)
		}
	} else {
		gobin, err := goTool()
		if err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
		out, err := os.MkdirTemp("", "pulumi-go-program-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(out)
		program = filepath.Join(out, "program")
		build := exec.CommandContext(ctx, gobin, "build", "-trimpath", "-o", program, info.GetEntryPoint())
		build.Dir = dir
		var stderr bytes.Buffer
		build.Stdout = os.Stderr
		build.Stderr = &stderr
		if err := build.Run(); err != nil {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not build the Go program in %s (go build): %v\n%s", dir, err, strings.TrimSpace(stderr.String()))}, nil
		}
	}

	env, err := programEnv(req)
	if err != nil {
		return nil, err
	}
	env = append(env,
		pulumi.EnvMonitor+"="+req.GetMonitorAddress(),
		pulumi.EnvEngine+"="+h.engineAddress,
		pulumi.EnvProject+"="+req.GetProject(),
		pulumi.EnvStack+"="+req.GetStack(),
		pulumi.EnvOrganization+"="+req.GetOrganization(),
		pulumi.EnvPulumiRootDirectory+"="+info.GetRootDirectory(),
		pulumi.EnvDryRun+"="+strconv.FormatBool(req.GetDryRun()),
		pulumi.EnvParallel+"="+strconv.Itoa(int(req.GetParallel())),
	)
	cmd := exec.Command(program, req.GetArgs()...)
	cmd.Dir = dir
	cmd.Env = env
	return h.runProgram(ctx, cmd), nil
}

// goPlugins finds the pulumi-plugin.json of every non-standard package the program imports (a
// generated Go SDK writes one into its package directory).
func goPlugins(ctx context.Context, info *pulumirpc.ProgramInfo) ([]*pulumirpc.PluginDependency, error) {
	gobin, err := goTool()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, gobin, "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}\t{{with .Module}}{{.Path}}\t{{.Version}}{{end}}{{end}}", info.GetEntryPoint())
	cmd.Dir = info.GetProgramDirectory()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("could not list the Go program's packages in %s (go list -deps): %v\n%s", cmd.Dir, err, strings.TrimSpace(stderr.String()))
	}
	var plugins []*pulumirpc.PluginDependency
	seen := map[string]bool{}
	scanner := bufio.NewScanner(bytes.NewReader(out))
	for scanner.Scan() {
		fields := strings.Split(scanner.Text(), "\t")
		if len(fields) < 1 || fields[0] == "" {
			continue
		}
		path := filepath.Join(fields[0], "pulumi-plugin.json")
		if _, err := os.Stat(path); err != nil {
			continue
		}
		fallbackName, fallbackVersion := "", ""
		if len(fields) == 3 {
			fallbackName, fallbackVersion = filepath.Base(fields[1]), strings.TrimPrefix(fields[2], "v")
		}
		info, err := plugin.LoadPulumiPluginJSON(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if dep := pluginDependency(info, fallbackName, fallbackVersion); dep != nil && !seen[dep.Name+"@"+dep.Version] {
			seen[dep.Name+"@"+dep.Version] = true
			plugins = append(plugins, dep)
		}
	}
	return plugins, nil
}

func (h *goHost) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	plugins, err := goPlugins(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *goHost) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	plugins, err := goPlugins(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packagesOf(plugins)}, nil
}

func (h *goHost) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	gobin, err := goTool()
	if err != nil {
		return nil, err
	}
	format := "{{if not .Main}}{{if not .Indirect}}{{.Path}}\t{{.Version}}{{end}}{{end}}"
	if req.GetTransitiveDependencies() {
		format = "{{if not .Main}}{{.Path}}\t{{.Version}}{{end}}"
	}
	cmd := exec.CommandContext(ctx, gobin, "list", "-m", "-f", format, "all")
	cmd.Dir = req.GetInfo().GetProgramDirectory()
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -m all in %s: %w", cmd.Dir, err)
	}
	var deps []*pulumirpc.DependencyInfo
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if name, ver, ok := strings.Cut(line, "\t"); ok {
			deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: ver})
		}
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *goHost) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	gobin, err := goTool()
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, gobin, "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOVERSION: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: gobin, Version: strings.TrimPrefix(strings.TrimSpace(string(out)), "go")}, nil
}

// `pulumi install`: the module's dependencies, into the module cache.
func (h *goHost) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	gobin, err := goTool()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(server.Context(), gobin, "mod", "download")
	cmd.Dir = req.GetInfo().GetProgramDirectory()
	cmd.Stdout, cmd.Stderr = streamTo(server)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go mod download in %s: %w", cmd.Dir, err)
	}
	return nil
}

func (h *goHost) GeneratePackage(_ context.Context, req *pulumirpc.GeneratePackageRequest) (*pulumirpc.GeneratePackageResponse, error) {
	pkg, _, diags, err := bindSchema(req)
	if err != nil || diags != nil {
		return diags, err
	}
	files, err := gogen.GeneratePackage(h.name, pkg, req.GetLocalDependencies())
	if err != nil {
		return nil, err
	}
	if err := writeFiles(req.GetDirectory(), files); err != nil {
		return nil, err
	}
	return &pulumirpc.GeneratePackageResponse{}, nil
}
