// GitLab events Shiplog stores but does not act on yet (docs/setup-gitlab.md says why):
// - `Pipeline Hook` and `Job Hook` name a commit and a status, but not the image a job built
//   (only manually set pipeline variables and an artifact's file name): no build evidence, so
//   nothing is recorded. Report images with the build endpoint from the job instead.
// - `Release Hook`: a release names a tag, as GitHub's do, which are not modelled either
//   (lib/ingest/handlers/github-release.ts).
// - `Deployment Hook`: GitLab environments as a deployment source are not built yet.
// All are kept and acknowledged as IGNORED, so a replay applies them once they are.
import { type DeliveryHandler, ignored } from "./delivery-handler";

export function unmodelledGitlabEvent(why: string): DeliveryHandler {
  return async () => ignored(why);
}
