/**
 * Lineage (GET /v1/assets/:id/lineage): a clickable graph when the asset has any relatives
 * (lineage-graph.tsx, loaded on its own), then plain lists of links: the direct parents and
 * children, then any more distant ancestors and descendants the walk reached. The lists are
 * the graph's keyboard and screen-reader form, by the same refs.
 */
import type { Lineage as LineageAnswer } from "../../../../sdk/api/schemas";
import { api } from "../api";
import { useI18n } from "../i18n";
import { href } from "../router";
import { useLoad } from "../use-load";
import { Badge, assetStatusTone } from "./badge";
import { ErrorBox } from "./error-box";
import { LineageGraph, nodeRef } from "./lineage-graph";

type Node = LineageAnswer["nodes"][number];

function NodeLink({ node, licence }: { node: Node; licence?: string | undefined }) {
  const { t } = useI18n();
  return (
    <>
      <a href={href.asset(nodeRef(node))}>{node.registrationNumber ?? `#${node.id}`}</a>{" "}
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
      {l.edges.length > 0 && <LineageGraph lineage={l} />}
      <Relatives id="lineage-parents" title={t.parents} none={t.noParents} items={parents} />
      <Relatives id="lineage-children" title={t.children} none={t.noChildren} items={children} />
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

/** The direct parents or children: a titled list of links (its id is also its test hook). */
function Relatives({ id, title, none, items }: { id: string; title: string; none: string; items: { node: Node; licence: string }[] }) {
  return (
    <div>
      <h3 id={id}>{title}</h3>
      {items.length === 0 && <p class="none">{none}</p>}
      <ul class="link-list" data-testid={id} aria-labelledby={id}>
        {items.map((r) => (
          <li key={r.node.id}>
            <NodeLink node={r.node} licence={r.licence} />
          </li>
        ))}
      </ul>
    </div>
  );
}
