/**
 * The frame of every page: a skip link, the header (product name, navigation, language
 * switch), the main region and a footer.
 */
import type { ComponentChildren, Ref } from "preact";
import { LANGS, isLang, useI18n } from "../i18n";
import { href, type Route } from "../router";

export function Shell({ route, mainRef, children }: { route: Route; mainRef: Ref<HTMLElement>; children: ComponentChildren }) {
  const { t, lang, setLang } = useI18n();
  return (
    <>
      <a
        class="skip-link"
        href="#main"
        onClick={(e) => {
          // A plain #main would be read as a route: move focus instead.
          e.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        {t.skipToContent}
      </a>
      <header class="site-header">
        <div class="header-inner">
          <a class="brand" href={href.search()}>
            <span class="brand-zh" lang="zh-CN">
              数据确权登记簿
            </span>
            <span class="brand-en" lang="en">
              Data Rights Ledger
            </span>
          </a>
          <nav aria-label={t.mainNav}>
            <ul class="nav-list">
              <li>
                <a href={href.search()} aria-current={route.page === "search" ? "page" : undefined}>
                  {t.navSearch}
                </a>
              </li>
              <li>
                <a href={href.check()} aria-current={route.page === "check" ? "page" : undefined}>
                  {t.navCheck}
                </a>
              </li>
              <li>
                <a href={href.verify()} aria-current={route.page === "verify" ? "page" : undefined}>
                  {t.navVerify}
                </a>
              </li>
            </ul>
          </nav>
          <div class="lang-switch">
            <label for="lang">{t.language}</label>
            <select
              id="lang"
              value={lang}
              onChange={(e) => {
                const v = e.currentTarget.value;
                if (isLang(v)) setLang(v);
              }}
            >
              {LANGS.map((l) => (
                <option value={l} key={l} lang={l === "zh" ? "zh-CN" : "en"}>
                  {t.languageName[l]}
                </option>
              ))}
            </select>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={mainRef}>
        {children}
      </main>
      <footer class="site-footer">
        <p>{t.footer}</p>
      </footer>
    </>
  );
}
