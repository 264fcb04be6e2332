// `registry_package` and `package` (published): a container image version pushed to GitHub's
// registry is build evidence, image:tag (and its digest) built from a commit (recordBuild,
// GITHUB_PACKAGE).
// What the payload gives, strongest first:
//   image   the version's package_url without tag ("ghcr.io/owner/name:tag" → "ghcr.io/owner/name"),
//           else ghcr.io/<owner>/<package name>; lower case, as image references are.
//   tag     container_metadata.tag.name (GitHub sends one event per tag), else the image's
//           org.opencontainers.image.version label.
//   commit  the image's org.opencontainers.image.revision label (docker/metadata-action sets
//           it to the commit built), else target_commitish or target_oid when one is a full SHA
//           (target_commitish is usually a branch name).
//   digest  container_metadata.tag.digest, else the manifest's, else the version's name (GitHub
//           names a container version by its digest): releases pinned by digest match it.
//   time    org.opencontainers.image.created, else the version's or the package's timestamps.
// Non-container packages (npm, Maven, …) are not images: ignored. A version without a tag or
// without a commit cannot tie a release to code: ignored with that reason, not failed.
import { z } from "zod";
import { recordBuild } from "../../builds/record-build";
import { parseImageRef } from "../../releases/identify-release";
import { repositoryRef } from "../../github/webhook-fields";
import { type DeliveryHandler, ignored, InvalidPayloadError, parsePayload, processed } from "./delivery-handler";

const optionalText = z.string().nullish();

const packageSchema = z.object({
  name: z.string().min(1),
  package_type: optionalText,
  updated_at: optionalText,
  owner: z.object({ login: z.string() }).nullish(),
  registry: z.object({ type: optionalText }).nullish(),
  package_version: z
    .object({
      name: optionalText,
      package_url: optionalText,
      target_commitish: optionalText,
      target_oid: optionalText,
      created_at: optionalText,
      updated_at: optionalText,
      container_metadata: z
        .object({
          tag: z.object({ name: optionalText, digest: optionalText }).nullish(),
          manifest: z.object({ digest: optionalText }).nullish(),
          labels: z.object({ all_labels: z.record(z.string(), z.string()).nullish() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

const packageEventSchema = z.object({
  action: z.string(),
  repository: repositoryRef,
  registry_package: packageSchema.nullish(),
  package: packageSchema.nullish(),
});

const FULL_SHA = /^[0-9a-f]{40}$/i;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const CONTAINER_TYPES = new Set(["container", "docker"]);

export const handleGithubPackage: DeliveryHandler = async (payload, { db, delivery }) => {
  const event = parsePayload(packageEventSchema, payload, `${delivery.event} payload`);
  const pkg = event.registry_package ?? event.package;
  if (!pkg) throw new InvalidPayloadError(`invalid ${delivery.event} payload: neither registry_package nor package is present`);
  if (event.action !== "published") return ignored(`package ${event.action}: only published versions are builds`);
  const types = [pkg.package_type, pkg.registry?.type].map((type) => type?.toLowerCase() ?? "");
  if (!types.some((type) => CONTAINER_TYPES.has(type))) return ignored(`${pkg.package_type ?? "unknown"} package ${pkg.name}: not a container image`);
  const version = pkg.package_version;
  if (!version) return ignored(`package ${pkg.name}: no version in the payload`);

  const container = version.container_metadata;
  const labels = container?.labels?.all_labels ?? {};
  const image = imageOf(version.package_url, pkg.owner?.login, pkg.name);
  const tag = nonEmpty(container?.tag?.name) ?? nonEmpty(labels["org.opencontainers.image.version"]);
  if (!tag) return ignored(`${image}: untagged version, nothing to match a release by`);
  const commit = [labels["org.opencontainers.image.revision"], version.target_commitish, version.target_oid].find(
    (candidate) => candidate !== undefined && candidate !== null && FULL_SHA.test(candidate),
  );
  if (!commit) return ignored(`${image}:${tag}: the payload names no commit (no org.opencontainers.image.revision label)`);
  const builtAt = firstTime(labels["org.opencontainers.image.created"], version.created_at, version.updated_at, pkg.updated_at);
  if (!builtAt) throw new InvalidPayloadError(`invalid ${delivery.event} payload: no build time (created_at, updated_at)`);

  await recordBuild(db, {
    repository: event.repository.full_name,
    commitSha: commit.toLowerCase(),
    image,
    tag,
    digest: nonEmpty(container?.tag?.digest) ?? nonEmpty(container?.manifest?.digest) ?? digestOf(version.name) ?? null,
    builtAt,
    source: "GITHUB_PACKAGE",
  });
  return processed;
};

function imageOf(packageUrl: string | null | undefined, owner: string | undefined, name: string): string {
  const fromUrl = packageUrl ? parseImageRef(packageUrl).image : "";
  const image = fromUrl.includes("/") ? fromUrl : `ghcr.io/${owner ?? "unknown"}/${name}`;
  return image.toLowerCase();
}

/** A container version's name is its manifest digest. */
const digestOf = (name: string | null | undefined) => (name && DIGEST.test(name) ? name : undefined);

const nonEmpty = (value: string | null | undefined) => (value && value.trim() !== "" ? value.trim() : undefined);

/** The first valid timestamp; GitHub sends "0001-01-01T00:00:00Z" for unknown times. */
function firstTime(...values: (string | null | undefined)[]): Date | undefined {
  for (const value of values) {
    const time = value ? new Date(value) : undefined;
    if (time && !Number.isNaN(time.getTime()) && time.getUTCFullYear() > 1970) return time;
  }
  return undefined;
}
