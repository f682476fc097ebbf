// The seed guide's flow in Java: deploy.yaml -> Deployment ($5 deposit) -> Lease with the cheapest
// bid -> the service URIs. Config: akash:apiKey (secret), akash:baseUrl, deposit.
package akashnginx;

import com.pulumi.Pulumi;
import io.github.pulumiakash.akash.Deployment;
import io.github.pulumiakash.akash.DeploymentArgs;
import io.github.pulumiakash.akash.Lease;
import io.github.pulumiakash.akash.LeaseArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

public class App {
    public static void main(String[] args) {
        Pulumi.run(ctx -> {
            String sdl;
            try {
                sdl = Files.readString(Path.of("deploy.yaml"));
            } catch (java.io.IOException e) {
                throw new RuntimeException("cannot read deploy.yaml", e);
            }
            double deposit = ctx.config().getDouble("deposit").orElse(5.0);
            var deployment = new Deployment("nginx", DeploymentArgs.builder().sdl(sdl).deposit(deposit).build());
            var lease = new Lease("nginx-lease", LeaseArgs.builder()
                .dseq(deployment.dseq())
                .manifest(deployment.manifest())
                .build());
            ctx.export("dseq", deployment.dseq());
            ctx.export("provider", lease.provider());
            ctx.export("uris", lease.services().applyValue(services -> services.stream()
                .flatMap(s -> s.uris().stream())
                .collect(Collectors.toList())));
            ctx.export("escrowUsd", deployment.escrow().applyValue(e -> e.balanceUsd()));
        });
    }
}
