"""The seed guide's flow in Python: deploy.yaml -> Deployment ($5 deposit) -> Lease with the
cheapest bid -> the service URIs. Config: akash:apiKey (secret), akash:baseUrl, deposit."""

from pathlib import Path

import pulumi
import pulumi_akash as akash

config = pulumi.Config()
sdl = (Path(__file__).parent / "deploy.yaml").read_text()

deployment = akash.Deployment("nginx", sdl=sdl, deposit=config.get_float("deposit") or 5)
lease = akash.Lease("nginx-lease", dseq=deployment.dseq, manifest=deployment.manifest)

pulumi.export("dseq", deployment.dseq)
pulumi.export("provider", lease.provider)
pulumi.export("uris", lease.services.apply(lambda services: [u for s in services for u in s.uris]))
pulumi.export("escrowUsd", deployment.escrow.apply(lambda e: e.balance_usd))
