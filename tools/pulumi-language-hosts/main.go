// pulumi-language-go and pulumi-language-python: Pulumi language hosts for Go and Python programs.
//
// Why they exist: the Go module proxy these machines reach refuses Pulumi's own host modules
// (github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3, sdk/python/cmd/pulumi-language-python/v3:
// 403), while it serves the engine and its code generators (pkg/v3) and the Go SDK (sdk/v3). One
// binary serves both languages, chosen by the name it is started as (tools/setup-pulumi-langs.sh
// links it under both names): they share the server, the process handling and the schema binding,
// and one link of pkg/v3's generators is cheaper than two on 2 cores.
//
// What the engine asks of a host, and what these answer (the rest fails with codes.Unimplemented
// naming the host and the RPC):
//   - Run: Go builds the program (`go build -trimpath`, or takes the prebuilt `binary` runtime
//     option) and runs it with the PULUMI_* variables the Go SDK reads; Python runs runner.py (ours)
//     with the virtual environment's python (`virtualenv` runtime option) or python3 from PATH.
//   - GetRequiredPackages / GetRequiredPlugins: the pulumi-plugin.json files of the program's
//     dependencies (Go: the packages it imports; Python: the installed distributions).
//   - GeneratePackage: pkg/v3/codegen/go or codegen/python, for `pulumi package gen-sdk`.
//   - InstallDependencies (`pulumi install`), GetProgramDependencies, About, GetPluginInfo.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Exit code of a program that has already shown the user its error (the SDKs' "bail").
const exitAfterUserMessage = 32

// base holds what both languages share: the engine's address and the host's own lifetime.
type base struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	name          string
	engineAddress string
	cancel        context.Context
}

func main() {
	name := filepath.Base(os.Args[0])
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.String("tracing", "", "ignored: tracing is not supported")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cancel := make(chan bool)
	go func() { <-ctx.Done(); close(cancel) }()

	b := base{name: name, cancel: ctx}
	var server pulumirpc.LanguageRuntimeServer
	switch name {
	case "pulumi-language-go":
		server = &goHost{base: b}
	case "pulumi-language-python":
		server = &pythonHost{base: b}
	default:
		fail(name, errors.New("start this host as pulumi-language-go or pulumi-language-python (it picks the language by its name)"))
	}
	if args := flag.Args(); len(args) > 0 {
		setEngine(server, args[0])
		if err := rpcutil.Healthcheck(ctx, args[0], 5*time.Minute, stop); err != nil {
			fail(name, fmt.Errorf("could not start the engine health check: %w", err))
		}
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, server)
			return nil
		},
		Options: []grpc.ServerOption{
			grpc.ChainUnaryInterceptor(unaryUnimplemented(name)),
			grpc.ChainStreamInterceptor(streamUnimplemented(name)),
		},
	})
	if err != nil {
		fail(name, fmt.Errorf("could not start the language host: %w", err))
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fail(name, err)
	}
}

func fail(name string, err error) {
	fmt.Fprintln(os.Stderr, name+":", err)
	os.Exit(1)
}

func setEngine(server pulumirpc.LanguageRuntimeServer, address string) {
	server.(interface{ setEngineAddress(string) }).setEngineAddress(address)
}

func (b *base) setEngineAddress(address string) { b.engineAddress = address }

// An RPC this host does not serve says so by name, instead of gRPC's bare "method X not implemented".
func unimplemented(host, method string, err error) error {
	if status.Code(err) != codes.Unimplemented {
		return err
	}
	rpc := method[strings.LastIndex(method, "/")+1:]
	return status.Errorf(codes.Unimplemented, "%s (pulumi-akash's language host) does not implement the %s RPC", host, rpc)
}

func unaryUnimplemented(host string) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		resp, err := handler(ctx, req)
		return resp, unimplemented(host, info.FullMethod, err)
	}
}

func streamUnimplemented(host string) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		return unimplemented(host, info.FullMethod, handler(srv, ss))
	}
}

func (b *base) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	b.engineAddress = req.EngineAddress
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (b *base) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (b *base) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// runProgram runs a program to its end, stopping it (interrupt, then kill) when the engine cancels.
func (b *base) runProgram(ctx context.Context, cmd *exec.Cmd) *pulumirpc.RunResponse {
	runCtx, stop := context.WithCancel(b.cancel)
	defer stop()
	context.AfterFunc(ctx, stop)
	go func() {
		<-runCtx.Done()
		if cmd.Process != nil {
			_ = cmd.Process.Signal(os.Interrupt)
		}
	}()
	cmd.WaitDelay = 5 * time.Second
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if exit.ExitCode() == exitAfterUserMessage {
				return &pulumirpc.RunResponse{Bail: true}
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with non-zero exit code: %d", exit.ExitCode())}
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run %s: %v", cmd.Path, err)}
	}
	return &pulumirpc.RunResponse{}
}

// programEnv is the engine's request as the PULUMI_* variables both SDKs read.
func programEnv(req *pulumirpc.RunRequest) ([]string, error) {
	cfg, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secrets := req.GetConfigSecretKeys()
	if secrets == nil {
		secrets = []string{}
	}
	keys, err := json.Marshal(secrets)
	if err != nil {
		return nil, err
	}
	return append(os.Environ(), "PULUMI_CONFIG="+string(cfg), "PULUMI_CONFIG_SECRET_KEYS="+string(keys)), nil
}

// streamOutput sends a command's output to `pulumi install` as it comes.
type streamOutput struct {
	mu     *sync.Mutex
	server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]
	stderr bool
}

func (s streamOutput) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chunk := append([]byte(nil), p...)
	resp := &pulumirpc.InstallDependenciesResponse{Stdout: chunk}
	if s.stderr {
		resp = &pulumirpc.InstallDependenciesResponse{Stderr: chunk}
	}
	if err := s.server.Send(resp); err != nil {
		return 0, err
	}
	return len(p), nil
}

func streamTo(server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) (io.Writer, io.Writer) {
	mu := &sync.Mutex{}
	return streamOutput{mu, server, false}, streamOutput{mu, server, true}
}

// bindSchema binds the schema `pulumi package gen-sdk` sends, resolving references through the
// engine's loader (every $ref in pulumi-akash's schema is local; another schema's need not be).
// A schema that does not bind comes back as the response's diagnostics (gen-sdk prints them).
func bindSchema(req *pulumirpc.GeneratePackageRequest) (*schema.Package, schema.ReferenceLoader, *pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, nil, nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.GetSchema()), &spec); err != nil {
		return nil, nil, nil, fmt.Errorf("the schema is not valid JSON: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, nil, nil, err
	}
	if diags.HasErrors() {
		return nil, nil, &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
	}
	return pkg, loader, nil, nil
}

// writeFiles writes generated files under dir, replacing what is there.
func writeFiles(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// pluginDependency turns a dependency's pulumi-plugin.json into what the engine loads for it (nil
// for a package without a provider plugin).
func pluginDependency(info *plugin.PulumiPluginJSON, fallbackName, fallbackVersion string) *pulumirpc.PluginDependency {
	if !info.Resource {
		return nil
	}
	name, ver := info.Name, info.Version
	if name == "" {
		name = fallbackName
	}
	if ver == "" {
		ver = fallbackVersion
	}
	return &pulumirpc.PluginDependency{Name: name, Kind: "resource", Version: ver, Server: info.Server}
}

func packagesOf(plugins []*pulumirpc.PluginDependency) []*pulumirpc.PackageDependency {
	out := make([]*pulumirpc.PackageDependency, 0, len(plugins))
	for _, p := range plugins {
		out = append(out, &pulumirpc.PackageDependency{Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server})
	}
	return out
}
