// Which release of a service an application runs, from the images Argo CD reports.
export type ImageRef = { image: string; tag?: string; digest?: string };

export type ReleaseIdentity = {
  version: string;
  image: string;
  tag?: string;
  digest?: string;
  /** A full or abbreviated commit SHA when the tag is one (the image-tag-is-a-SHA convention). */
  shaFromTag?: string;
};

/** `ghcr.io/acme/api:1.2.3@sha256:…` → image, tag and digest. */
export function parseImageRef(reference: string): ImageRef {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  // A colon after the last slash separates the tag; one before it is a registry port.
  const colon = rest.lastIndexOf(":");
  const tag = colon > rest.lastIndexOf("/") ? rest.slice(colon + 1) : undefined;
  const image = tag === undefined ? rest : rest.slice(0, colon);
  return { image, tag, digest };
}

/**
 * A tag that is a commit SHA, full or abbreviated, bare or as `sha-<sha>` (docker/metadata-action)
 * or `g<sha>` (as `git describe` writes it); the SHA is the first group. Also valid PostgreSQL regex syntax: SQL
 * reads stored tags with this same pattern (lib/releases/build-release-evidence-sql.ts).
 */
export const SHA_TAG = /^(?:sha-|g)?([0-9a-f]{7,40})$/;

/**
 * Picks the service's own image (its name is the image's last path part, else the first image)
 * and names the release after its tag, or its digest when untagged.
 */
export function identifyRelease(serviceName: string, images: string[]): ReleaseIdentity | undefined {
  const refs = images.map(parseImageRef);
  const own =
    refs.find((ref) => ref.image.split("/").pop() === serviceName) ??
    refs.find((ref) => ref.image.split("/").pop()?.startsWith(serviceName)) ??
    refs[0];
  if (!own) return undefined;
  const version = own.tag ?? own.digest?.replace(/^sha256:/, "").slice(0, 12);
  if (!version) return undefined;
  const sha = own.tag ? SHA_TAG.exec(own.tag)?.[1] : undefined;
  return { version, image: own.image, tag: own.tag, digest: own.digest, shaFromTag: sha };
}
