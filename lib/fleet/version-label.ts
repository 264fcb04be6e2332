/** "1.4.2", "3 versions", or "unknown" when no release is known. */
export function versionLabel(cell: { versions: string[]; versionCount: number }): string {
  if (cell.versionCount === 0) return "unknown";
  if (cell.versionCount === 1) return cell.versions[0]!;
  return `${cell.versionCount} versions`;
}
