/** A hash no page answers to: say so, and lead back to search. */
import { useEffect } from "preact/hooks";
import { useI18n } from "../i18n";
import { href } from "../router";

export function NotFoundPage({ path }: { path: string }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t.pageNotFoundTitle} · 数据确权登记簿 · Data Rights Ledger`;
  }, [t]);
  return (
    <>
      <h1>{t.pageNotFoundTitle}</h1>
      <div class="error" role="alert" data-testid="error">
        <p>{t.pageNotFound(path)}</p>
        <p class="actions">
          <a href={href.search()}>{t.backToSearch}</a>
        </p>
      </div>
    </>
  );
}
