/**
 * The portal: language state (saved, and mirrored on <html lang>), the hash route, and the
 * page it names inside the shell and an error boundary.
 */
import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { ErrorBoundary } from "./components/error-boundary";
import { Shell } from "./components/shell";
import { HTML_LANG, I18nContext, MESSAGES, initialLang, saveLang, type I18n, type Lang } from "./i18n";
import { AssetPage } from "./pages/asset";
import { CheckPage } from "./pages/check";
import { MemberPage } from "./pages/member";
import { NotFoundPage } from "./pages/not-found";
import { SearchPage } from "./pages/search";
import { VerifyPage } from "./pages/verify";
import { pageKey, useRoute, type Route } from "./router";

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "search":
      return <SearchPage q={route.q} />;
    case "asset":
      return <AssetPage key={route.ref} assetRef={route.ref} />;
    case "check":
      return <CheckPage params={route} />;
    case "verify":
      return <VerifyPage payload={route.payload} />;
    case "member":
      return <MemberPage address={route.address} from={route.from} to={route.to} />;
    case "notFound":
      return <NotFoundPage path={route.path} />;
  }
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const i18n = useMemo<I18n>(
    () => ({
      lang,
      t: MESSAGES[lang],
      setLang: (l) => {
        saveLang(l);
        setLangState(l);
      },
    }),
    [lang],
  );
  // Before paint, so the page is never read in one language while <html lang> names the other.
  useLayoutEffect(() => {
    document.documentElement.lang = HTML_LANG[lang];
  }, [lang]);

  const route = useRoute();
  const key = pageKey(route);
  const mainRef = useRef<HTMLElement>(null);
  const firstPage = useRef(true);
  // In the commit itself (not after paint), so focus never moves after the reader has acted.
  useLayoutEffect(() => {
    // On moving to another page, start reading there (as a full page load would); not on the
    // first load, where the browser's own focus order applies.
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    mainRef.current?.focus();
    window.scrollTo(0, 0);
  }, [key]);

  return (
    <I18nContext.Provider value={i18n}>
      <Shell route={route} mainRef={mainRef}>
        <ErrorBoundary key={key}>
          <Page route={route} />
        </ErrorBoundary>
      </Shell>
    </I18nContext.Provider>
  );
}
