// GitLab `Release Hook` (create, update, delete): a GitLab release names a tag and the commit it
// was cut from. As for GitHub releases (github-release.ts), Shiplog's releases are what runs
// (identified from images and deployments), so a GitLab release adds nothing the model holds yet.
// Stored and acknowledged (IGNORED) with the tag and action, replayable once releases are modelled.
import { z } from "zod";
import { type DeliveryHandler, ignored } from "./delivery-handler";

const releaseSchema = z.object({ action: z.string(), tag: z.string() });

export const handleGitlabRelease: DeliveryHandler = async (payload) => {
  const event = releaseSchema.safeParse(payload);
  const what = event.success ? `release ${event.data.tag} ${event.data.action}` : "release event";
  return ignored(`${what}: GitLab releases are not modelled yet, as GitHub's (stored for replay)`);
};
