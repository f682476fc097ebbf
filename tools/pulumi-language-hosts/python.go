package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

//go:embed runner.py
var runnerPy []byte

//go:embed packages.py
var packagesPy []byte

type pythonHost struct {
	base
}

// virtualenv is the `virtualenv` runtime option, resolved against the project's root directory as
// upstream resolves it ("" when the program uses python3 from PATH).
func virtualenv(info *pulumirpc.ProgramInfo) string {
	venv, _ := info.GetOptions().AsMap()["virtualenv"].(string)
	if venv == "" || filepath.IsAbs(venv) {
		return venv
	}
	return filepath.Join(info.GetRootDirectory(), venv)
}

// python is the interpreter that runs the program: the virtual environment's, or python3 from PATH.
func python(info *pulumirpc.ProgramInfo) (string, error) {
	venv := virtualenv(info)
	if venv == "" {
		bin, err := exec.LookPath("python3")
		if err != nil {
			return "", errors.New("python3 is not on PATH: install Python 3.10 or later, or set the runtime option virtualenv in Pulumi.yaml")
		}
		return bin, nil
	}
	bin := filepath.Join(venv, "bin", "python")
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("the virtual environment %s (runtime option virtualenv) has no bin/python: run `pulumi install`, or "+
			"`python3 -m venv %s && %s/bin/pip install -r requirements.txt`", venv, venv, venv)
	}
	return bin, nil
}

// script writes one of the embedded Python files to a temporary directory for one run.
func script(name string, body []byte) (string, func(), error) {
	dir, err := os.MkdirTemp("", "pulumi-language-python-")
	if err != nil {
		return "", nil, err
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, body, 0o644); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return path, func() { os.RemoveAll(dir) }, nil
}

func (h *pythonHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	py, err := python(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	runner, cleanup, err := script("runner.py", runnerPy)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	args := []string{"-u", runner,
		"--monitor", req.GetMonitorAddress(),
		"--engine", h.engineAddress,
		"--project", req.GetProject(),
		"--stack", req.GetStack(),
		"--organization", req.GetOrganization(),
		"--root-directory", info.GetRootDirectory(),
		"--pwd", info.GetProgramDirectory(),
		"--parallel", strconv.Itoa(int(req.GetParallel())),
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	args = append(args, info.GetEntryPoint())
	args = append(args, req.GetArgs()...)
	env, err := programEnv(req)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(py, args...)
	cmd.Dir = info.GetProgramDirectory()
	cmd.Env = env
	return h.runProgram(ctx, cmd), nil
}

type distribution struct {
	Name    string                   `json:"name"`
	Version string                   `json:"version"`
	Plugin  *plugin.PulumiPluginJSON `json:"plugin"`
}

// distributions lists what the program's python has installed (packages.py).
func distributions(ctx context.Context, info *pulumirpc.ProgramInfo) ([]distribution, error) {
	py, err := python(info)
	if err != nil {
		return nil, err
	}
	lister, cleanup, err := script("packages.py", packagesPy)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	cmd := exec.CommandContext(ctx, py, lister)
	cmd.Dir = info.GetProgramDirectory()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("could not list the packages of %s: %v\n%s", py, err, strings.TrimSpace(stderr.String()))
	}
	var dists []distribution
	if err := json.Unmarshal(out, &dists); err != nil {
		return nil, fmt.Errorf("the package list of %s: %w", py, err)
	}
	return dists, nil
}

func pythonPlugins(ctx context.Context, info *pulumirpc.ProgramInfo) ([]*pulumirpc.PluginDependency, error) {
	dists, err := distributions(ctx, info)
	if err != nil {
		return nil, err
	}
	var plugins []*pulumirpc.PluginDependency
	for _, d := range dists {
		if d.Plugin == nil {
			continue
		}
		// A distribution named pulumi_<name> provides plugin <name>, as upstream derives it.
		name := strings.TrimPrefix(strings.ReplaceAll(strings.ToLower(d.Name), "-", "_"), "pulumi_")
		if dep := pluginDependency(d.Plugin, name, d.Version); dep != nil {
			plugins = append(plugins, dep)
		}
	}
	return plugins, nil
}

func (h *pythonHost) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	plugins, err := pythonPlugins(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *pythonHost) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	plugins, err := pythonPlugins(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packagesOf(plugins)}, nil
}

func (h *pythonHost) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dists, err := distributions(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	deps := make([]*pulumirpc.DependencyInfo, 0, len(dists))
	for _, d := range dists {
		deps = append(deps, &pulumirpc.DependencyInfo{Name: d.Name, Version: d.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *pythonHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	py, err := python(req.GetInfo())
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, py, "-c", "import platform; print(platform.python_version())").Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", py, err)
	}
	return &pulumirpc.AboutResponse{Executable: py, Version: strings.TrimSpace(string(out))}, nil
}

// `pulumi install`: the virtual environment (when the project names one) and requirements.txt.
func (h *pythonHost) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	info := req.GetInfo()
	stdout, stderr := streamTo(server)
	if venv := virtualenv(info); venv != "" {
		if _, err := os.Stat(filepath.Join(venv, "bin", "python")); err != nil {
			python3, err := exec.LookPath("python3")
			if err != nil {
				return errors.New("python3 is not on PATH: install Python 3.10 or later to create " + venv)
			}
			cmd := exec.CommandContext(server.Context(), python3, "-m", "venv", venv)
			cmd.Stdout, cmd.Stderr = stdout, stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("python3 -m venv %s: %w", venv, err)
			}
		}
	}
	py, err := python(info)
	if err != nil {
		return err
	}
	requirements := filepath.Join(info.GetProgramDirectory(), "requirements.txt")
	if _, err := os.Stat(requirements); err != nil {
		return nil
	}
	cmd := exec.CommandContext(server.Context(), py, "-m", "pip", "install", "-r", requirements)
	cmd.Dir = info.GetProgramDirectory()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pip install -r %s: %w", requirements, err)
	}
	return nil
}

func (h *pythonHost) GeneratePackage(_ context.Context, req *pulumirpc.GeneratePackageRequest) (*pulumirpc.GeneratePackageResponse, error) {
	pkg, loader, diags, err := bindSchema(req)
	if err != nil || diags != nil {
		return diags, err
	}
	files, err := pygen.GeneratePackage(h.name, pkg, req.GetExtraFiles(), loader)
	if err != nil {
		return nil, err
	}
	if err := writeFiles(req.GetDirectory(), files); err != nil {
		return nil, err
	}
	return &pulumirpc.GeneratePackageResponse{}, nil
}
