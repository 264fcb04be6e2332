// A deployment as the timeline's browser code holds it: a DeploymentSummary after JSON (dates
// as ISO strings), the shape GET /api/v1/deployments answers. The page hands the server's first
// page over in this shape too, so the first page and later ones are the same kind of value.
import type { DeploymentSummary } from "./list-deployments";
import type { PageRollout } from "../rollouts/list-page-rollouts";

type Jsonified<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

export type TimelineDeployment = Jsonified<DeploymentSummary>;

/** A rollout the page's deployments belong to, with its counts in the whole fleet (lib/rollouts). */
export type TimelineRollout = Jsonified<PageRollout>;

export type TimelinePage = { items: TimelineDeployment[]; nextCursor: string | null; rollouts: TimelineRollout[] };

/** A page read on the server, as the browser would have received it from the API. */
export function toTimelinePage(page: { items: DeploymentSummary[]; nextCursor: string | null; rollouts: PageRollout[] }): TimelinePage {
  return JSON.parse(JSON.stringify(page)) as TimelinePage;
}
