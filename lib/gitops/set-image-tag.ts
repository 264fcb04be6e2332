// Sets an image's tag in a config file, keeping its comments and layout: a kustomization's
// `images:` entry (newTag), a Helm values file (a map with `repository` and `tag`, or an
// `image: repo:tag` string), or Argo CD Image Updater's write-back file
// (`.argocd-source-<app>.yaml`: `kustomize.images` or `helm.parameters`). Pure: GitOps rollbacks
// and promotions read and write the file around it.
import { isMap, isScalar, isSeq, parse, parseDocument, Scalar, visit, type Document, type YAMLMap } from "yaml";

export type ImageTagEdit = { content: string; previousTag: string | null } | { error: string };

/** `europe-west1-docker.pkg.dev/foo/images/velero` and `velero` name the same image. */
function sameImage(candidate: string, image: string): boolean {
  const bare = (name: string) => name.replace(/[:@].*$/, "");
  const a = bare(candidate.trim());
  const b = bare(image.trim());
  return a === b || a.split("/").pop() === b.split("/").pop();
}

/** Sets the tag in place (keeping the line's comment); a tag YAML would read as a number (1.20) is quoted. */
function setTag(map: YAMLMap, key: string, tag: string): void {
  const existing = map.get(key, true);
  const scalar = isScalar(existing) ? existing : new Scalar(tag);
  scalar.value = tag;
  if (typeof parse(tag) !== "string") scalar.type = Scalar.QUOTE_DOUBLE;
  if (scalar !== existing) map.set(key, scalar);
}

const text = (node: unknown): string | null => (isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : null);

export function setImageTag(fileName: string, source: string, image: string, tag: string): ImageTagEdit {
  let document: Document;
  try {
    document = parseDocument(source);
  } catch (error) {
    return { error: `${fileName} is not valid YAML (${(error as Error).message})` };
  }
  if (document.errors.length > 0) return { error: `${fileName} is not valid YAML (${document.errors[0]!.message})` };
  if (/(^|\/)\.argocd-source-[^/]+\.ya?ml$/.test(fileName)) return setImageUpdaterTag(fileName, document, image, tag);
  const kustomization = /(^|\/)kustomization\.ya?ml$|(^|\/)Kustomization$/.test(fileName);
  return kustomization ? setKustomizeTag(fileName, document, image, tag) : setHelmTag(fileName, document, image, tag);
}

function setKustomizeTag(fileName: string, document: Document, image: string, tag: string): ImageTagEdit {
  const images = document.get("images");
  if (!isSeq(images)) return { error: `${fileName} has no images: list to set ${image} back in` };
  const entry = images.items.find(
    (item): item is YAMLMap => isMap(item) && [text(item.get("name", true)), text(item.get("newName", true))].some((name) => name !== null && sameImage(name, image)),
  );
  if (!entry) return { error: `${fileName} has no images: entry for ${image}` };
  const previousTag = text(entry.get("newTag", true));
  setTag(entry, "newTag", tag);
  if (entry.has("digest")) entry.delete("digest");
  return { content: document.toString(), previousTag };
}

function setHelmTag(fileName: string, document: Document, image: string, tag: string): ImageTagEdit {
  let previousTag: string | null = null;
  let found = false;
  visit(document, {
    Map(_key, node) {
      const repository = text(node.get("repository", true));
      if (repository !== null && sameImage(repository, image) && node.has("tag")) {
        previousTag = text(node.get("tag", true));
        setTag(node, "tag", tag);
        found = true;
      }
    },
    Pair(_key, pair) {
      const value = text(pair.value);
      if (isScalar(pair.key) && pair.key.value === "image" && value !== null && value.includes(":") && sameImage(value, image)) {
        const colon = value.lastIndexOf(":");
        if (colon > value.lastIndexOf("/")) {
          previousTag = value.slice(colon + 1);
          (pair.value as Scalar).value = `${value.slice(0, colon)}:${tag}`;
          found = true;
        }
      }
    },
  });
  if (!found) return { error: `${fileName} has no image.repository/tag (or image: repo:tag) for ${image}` };
  return { content: document.toString(), previousTag };
}

/**
 * Argo CD Image Updater's git write-back file: `kustomize.images` holds `name[=newName]:tag`
 * strings; `helm.parameters` holds name/value pairs where `<prefix>.name` or `<prefix>.repository`
 * names the image and `<prefix>.tag` its tag.
 */
function setImageUpdaterTag(fileName: string, document: Document, image: string, tag: string): ImageTagEdit {
  const images = document.getIn(["kustomize", "images"], true);
  if (isSeq(images)) {
    for (const item of images.items) {
      const value = text(item);
      if (value === null || !isScalar(item)) continue;
      const colon = value.lastIndexOf(":");
      const hasTag = colon > value.lastIndexOf("/");
      const reference = hasTag ? value.slice(0, colon) : value;
      const names = reference.split("=");
      if (!names.some((name) => sameImage(name, image))) continue;
      item.value = `${reference.replace(/@.*$/, "")}:${tag}`;
      return { content: document.toString(), previousTag: hasTag ? value.slice(colon + 1) : null };
    }
  }
  const parameters = document.getIn(["helm", "parameters"], true);
  if (isSeq(parameters)) {
    const entries = parameters.items.filter(isMap);
    const named = (name: string) => entries.find((entry) => text(entry.get("name", true)) === name);
    for (const entry of entries) {
      const name = text(entry.get("name", true));
      const value = text(entry.get("value", true));
      const prefix = name?.match(/^(.*)\.(name|repository)$/)?.[1];
      if (prefix === undefined || value === null || !sameImage(value, image)) continue;
      const tagEntry = named(`${prefix}.tag`);
      if (!tagEntry) continue;
      const previousTag = text(tagEntry.get("value", true));
      setTag(tagEntry, "value", tag);
      return { content: document.toString(), previousTag };
    }
  }
  return { error: `${fileName} has no kustomize.images entry or helm.parameters <name>.tag for ${image}` };
}
