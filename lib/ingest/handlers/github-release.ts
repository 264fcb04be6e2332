// `release` (published, created, edited, …): a GitHub release names a tag and the commit it was
// cut from. Shiplog's releases are what runs (identified from images, with the commit learned
// from builds), so a GitHub release adds nothing the model can hold yet. The delivery is stored
// and acknowledged (IGNORED), and can be replayed once GitHub releases are modelled (for
// example as release notes, or as the version name of the release built from that commit).
import { z } from "zod";
import { type DeliveryHandler, ignored } from "./delivery-handler";

const releaseSchema = z.object({ action: z.string(), release: z.object({ tag_name: z.string() }) });

export const handleGithubRelease: DeliveryHandler = async (payload) => {
  const event = releaseSchema.safeParse(payload);
  const what = event.success ? `release ${event.data.release.tag_name} ${event.data.action}` : "release event";
  return ignored(`${what}: GitHub releases are not modelled yet (stored for replay)`);
};
