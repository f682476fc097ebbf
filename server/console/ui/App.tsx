// The application shell: signed out it shows the sign-in form; signed in, the header and the page
// the hash route names. The API client is rebuilt whenever the key changes.
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { createApi } from "./api";
import { Header } from "./components/Header";
import { DeploymentDetailPage } from "./pages/DeploymentDetail";
import { DeploymentsPage } from "./pages/Deployments";
import { ApiKeysPage } from "./pages/ApiKeys";
import { SignIn } from "./pages/SignIn";
import { href, useRoute, type Route } from "./router";
import { forgetKey, loadKey, saveKey } from "./session";
import type { Balances } from "./types";

export function App() {
  const [key, setKey] = useState<string | null>(() => loadKey());
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const route = useRoute();

  const signOut = useCallback((why?: string) => {
    forgetKey();
    setKey(null);
    setNotice(why);
  }, []);

  const api = useMemo(
    () =>
      key
        ? createApi(key, () =>
            signOut(
              "The server no longer accepts your API key (it was deleted or has expired). Sign in again.",
            ),
          )
        : null,
    [key, signOut],
  );

  const [balances, setBalances] = useState<Balances | undefined>(undefined);
  const [balanceError, setBalanceError] = useState(false);
  const refreshBalance = useCallback(() => {
    api?.balances().then(
      (b) => {
        setBalances(b);
        setBalanceError(false);
      },
      () => setBalanceError(true),
    );
  }, [api]);
  // Re-read on every page change too: deployments created elsewhere (API, Pulumi) spend credit.
  useEffect(refreshBalance, [refreshBalance, route]);

  useFocusOnNavigation(route);

  if (!key || !api) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(k) => {
          saveKey(k);
          setNotice(undefined);
          setKey(k);
          if (!location.hash) location.hash = href.deployments();
        }}
      />
    );
  }

  return (
    <>
      <Header
        route={route}
        balances={balances}
        balanceError={balanceError}
        onSignOut={() => signOut("You have signed out. Your API key was removed from this tab.")}
      />
      <main id="main" tabIndex={-1}>
        {route.page === "deployments" ? (
          <DeploymentsPage api={api} skip={route.skip} state={route.state} />
        ) : route.page === "deployment" ? (
          <DeploymentDetailPage api={api} dseq={route.dseq} onMoneyMoved={refreshBalance} />
        ) : route.page === "keys" ? (
          <ApiKeysPage api={api} currentKey={key} />
        ) : (
          <section>
            <h1 tabIndex={-1}>Page not found</h1>
            <p>
              There is no page at “{route.path}”. Go to <a href={href.deployments()}>your deployments</a>.
            </p>
          </section>
        )}
      </main>
    </>
  );
}

// After a route change keyboard and screen-reader users land on the new page's heading, not on
// whatever link they activated in the old page.
function useFocusOnNavigation(route: Route) {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>("main h1");
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }, [route]);
}
