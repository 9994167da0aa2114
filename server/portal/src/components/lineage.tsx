/**
 * Lineage (GET /v1/assets/:id/lineage) as plain lists of links: the direct parents and
 * children, then any more distant ancestors and descendants the walk reached. (A graph view
 * can come later; the lists stay as its accessible form.)
 */
import type { Lineage as LineageAnswer } from "../../../../sdk/api/schemas";
import { api } from "../api";
import { useI18n } from "../i18n";
import { href } from "../router";
import { useLoad } from "../use-load";
import { Badge, assetStatusTone } from "./badge";
import { ErrorBox } from "./error-box";

type Node = LineageAnswer["nodes"][number];

function NodeLink({ node, licence }: { node: Node; licence?: string | undefined }) {
  const { t } = useI18n();
  return (
    <>
      <a href={href.asset(node.registrationNumber ?? node.id)}>{node.registrationNumber ?? `#${node.id}`}</a>{" "}
      <Badge tone={assetStatusTone(node.status)}>{t.statusName[node.status]}</Badge>
      {licence !== undefined && licence !== "0" && licence !== "" && <span class="via"> · {t.viaLicence(licence)}</span>}
    </>
  );
}

export function Lineage({ assetId }: { assetId: string }) {
  const { t } = useI18n();
  const [loaded, retry] = useLoad(() => api.lineage(assetId), [assetId]);
  if (loaded.state === "loading") return <p class="loading">{t.loading}</p>;
  if (loaded.state === "failed") return <ErrorBox failure={loaded.failure} onRetry={retry} />;
  const l = loaded.value;
  const nodes = new Map(l.nodes.map((n) => [n.id, n]));
  const parents = l.edges.filter((e) => e.child === l.assetId).flatMap((e) => {
    const n = nodes.get(e.parent);
    return n ? [{ node: n, licence: e.parentLicense }] : [];
  });
  const children = l.edges.filter((e) => e.parent === l.assetId).flatMap((e) => {
    const n = nodes.get(e.child);
    return n ? [{ node: n, licence: e.parentLicense }] : [];
  });
  const ancestors = l.nodes.filter((n) => n.depth < -1).sort((a, b) => b.depth - a.depth);
  const descendants = l.nodes.filter((n) => n.depth > 1).sort((a, b) => a.depth - b.depth);
  return (
    <div class="lineage">
      <div>
        <h3 id="lineage-parents">{t.parents}</h3>
        {parents.length === 0 && <p class="none">{t.noParents}</p>}
        <ul class="link-list" data-testid="lineage-parents" aria-labelledby="lineage-parents">
          {parents.map((p) => (
            <li key={p.node.id}>
              <NodeLink node={p.node} licence={p.licence} />
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h3 id="lineage-children">{t.children}</h3>
        {children.length === 0 && <p class="none">{t.noChildren}</p>}
        <ul class="link-list" data-testid="lineage-children" aria-labelledby="lineage-children">
          {children.map((c) => (
            <li key={c.node.id}>
              <NodeLink node={c.node} licence={c.licence} />
            </li>
          ))}
        </ul>
      </div>
      {ancestors.length > 0 && (
        <div>
          <h3>{t.ancestors}</h3>
          <ul class="link-list">
            {ancestors.map((n) => (
              <li key={n.id}>
                <NodeLink node={n} /> <span class="via">· {t.generation(-n.depth)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {descendants.length > 0 && (
        <div>
          <h3>{t.descendants}</h3>
          <ul class="link-list">
            {descendants.map((n) => (
              <li key={n.id}>
                <NodeLink node={n} /> <span class="via">· {t.generation(n.depth)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {l.truncated && <p class="note">{t.lineageTruncated}</p>}
    </div>
  );
}
