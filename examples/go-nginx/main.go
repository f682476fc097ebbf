// The seed guide's flow in Go: deploy.yaml -> Deployment ($5 deposit) -> Lease with the cheapest
// bid -> the service URIs. Config: akash:apiKey (secret), akash:baseUrl, deposit.
package main

import (
	"os"

	"github.com/pulumi-akash/pulumi-akash/pulumi-sdks/go/akash"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		sdl, err := os.ReadFile("deploy.yaml")
		if err != nil {
			return err
		}
		deposit := config.New(ctx, "").GetFloat64("deposit")
		if deposit == 0 {
			deposit = 5
		}
		deployment, err := akash.NewDeployment(ctx, "nginx", &akash.DeploymentArgs{
			Sdl:     pulumi.String(string(sdl)),
			Deposit: pulumi.Float64(deposit),
		})
		if err != nil {
			return err
		}
		lease, err := akash.NewLease(ctx, "nginx-lease", &akash.LeaseArgs{
			Dseq:     deployment.Dseq,
			Manifest: deployment.Manifest,
		})
		if err != nil {
			return err
		}
		ctx.Export("dseq", deployment.Dseq)
		ctx.Export("provider", lease.Provider)
		ctx.Export("uris", lease.Services.ApplyT(func(services []akash.Service) []string {
			var uris []string
			for _, s := range services {
				uris = append(uris, s.Uris...)
			}
			return uris
		}).(pulumi.StringArrayOutput))
		ctx.Export("escrowUsd", deployment.Escrow.BalanceUsd())
		return nil
	})
}
