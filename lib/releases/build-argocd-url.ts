// Links out to an Argo CD application in its instance's web UI. The instance's URL comes from
// the database (argo_instances.url) or, when that is empty, from ARGOCD_INSTANCES by name;
// without either there is nothing to link to. A stored or configured URL that is not http(s)
// gives no link either (lib/links/web-url.ts).
import { config } from "../env";
import { safeHref } from "../links/web-url";

export type ArgocdApplicationRef = { instance: string; instanceUrl: string | null; namespace: string; name: string };

/** https://argocd.example.com/applications/<namespace>/<name>, or null when the instance has no known URL. */
export function buildArgocdUrl(application: ArgocdApplicationRef, configured: readonly { name: string; url: string }[] = config().ARGOCD_INSTANCES ?? []): string | null {
  const base = safeHref(application.instanceUrl ?? configured.find((instance) => instance.name === application.instance)?.url);
  if (!base) return null;
  return `${base.replace(/\/+$/, "")}/applications/${encodeURIComponent(application.namespace)}/${encodeURIComponent(application.name)}`;
}
