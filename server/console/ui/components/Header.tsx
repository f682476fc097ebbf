// Site header: navigation, the account's credit balance and the profile menu.
import type { Balances } from "../types";
import { formatMicroUsd } from "../format";
import { href, type Route } from "../router";
import { ProfileMenu } from "./ProfileMenu";

interface Props {
  route: Route;
  balances: Balances | undefined;
  balanceError: boolean;
  onSignOut: () => void;
}

export function Header({ route, balances, balanceError, onSignOut }: Props) {
  const onDeployments = route.page === "deployments" || route.page === "deployment";
  return (
    <header class="site-header">
      <a class="skip" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <a class="brand" href={href.deployments()}>
        Akash console
      </a>
      <nav aria-label="Main">
        <a href={href.deployments()} aria-current={onDeployments ? "page" : undefined}>
          Deployments
        </a>
      </nav>
      <p class="balance" aria-live="polite">
        <span class="balance-label">Credit</span>{" "}
        <span data-testid="balance">
          {balances ? formatMicroUsd(balances.balance) : balanceError ? "unavailable" : "…"}
        </span>
      </p>
      <ProfileMenu onSignOut={onSignOut} />
    </header>
  );
}

// The skip link must not change the hash: the hash is the router's.
function skipToMain(e: Event) {
  e.preventDefault();
  document.getElementById("main")?.focus();
}
