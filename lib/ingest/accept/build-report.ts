// The body CI posts to /api/webhooks/build after pushing an image: image:tag was built from a
// commit. Processing reads stored bodies back with this same schema (lib/builds/record-build.ts).
import { z } from "zod";
import { deliveryText } from "./delivery-text";

export const buildReportSchema = z.object({
  /** Shiplog service name, when CI knows it: the service learns its repository. */
  service: deliveryText(200).nullish(),
  // GitHub's owner/name, or a GitLab project's host/path (docs/setup-gitlab.md), as its webhooks name it.
  repository: z
    .string()
    .regex(/^(?:[\w.-]+\/[\w.-]+|[\w.-]+(?::\d{1,5})?(?:\/[\w.-]+){2,})$/, 'must be "owner/name" on GitHub or "host/group/project" on GitLab')
    .max(300),
  commitSha: z.string().regex(/^[0-9a-fA-F]{40}$/, "must be a full 40-character commit SHA"),
  image: z.string().regex(/^[^\s@]{1,500}$/, 'must be an image name without tag or digest, e.g. "ghcr.io/acme/api"'),
  tag: z.string().regex(/^[\w][\w.-]{0,127}$/, "must be a Docker tag (letters, digits, _ . -, at most 128)"),
  digest: z
    .string()
    .regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/, 'must be an OCI digest, e.g. "sha256:<64 hex>"')
    .nullish(),
  builtAt: z.iso.datetime({ offset: true }),
});

export type BuildReport = z.infer<typeof buildReportSchema>;
