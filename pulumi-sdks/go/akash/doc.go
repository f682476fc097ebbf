// Akash Network workloads through the Akash Console managed-wallet API: API keys, certificates, deployments (SDL + USD escrow deposit) and leases.
package akash
