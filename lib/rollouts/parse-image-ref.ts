// An image reference as the image rollout view takes it (`registry.acme.dev/platform/envoy:1.31.2`,
// `…/envoy@sha256:…`): the repository, and the tag or digest that names one version of it.
// A registry port (`localhost:5000/base`) is part of the repository, not a tag.
import { plainText } from "../api/plain-text";

export type ImageRef = { ref: string; repository: string };

export function parseImageRef(ref: string): ImageRef | null {
  const at = ref.indexOf("@");
  if (at === 0) return null;
  if (at > 0) return at < ref.length - 1 ? { ref, repository: ref.slice(0, at).replace(/:[^:/]*$/, "") } : null;
  const colon = ref.lastIndexOf(":");
  if (colon <= 0 || colon === ref.length - 1 || ref.indexOf("/", colon) !== -1) return null;
  return { ref, repository: ref.slice(0, colon) };
}

export const imageRefField = plainText()
  .max(500, "must be at most 500 characters")
  .refine((text) => parseImageRef(text) !== null, "must be an image with a tag or digest, e.g. registry.example.com/platform/envoy:1.31.2")
  .meta({ description: "An image with its tag or digest, as Argo CD lists it in an application's images." });
