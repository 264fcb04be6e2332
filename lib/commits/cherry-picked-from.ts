// `git cherry-pick -x` appends "(cherry picked from commit <sha>)" to the message: the commit a
// cherry-pick copies, so a fix cherry-picked onto a release branch is found by its original's
// pull request and tickets. A cherry-pick of a cherry-pick names both; the first is the original.
const CHERRY_PICK = /\(cherry picked from commit ([0-9a-f]{40})\)/i;

export function cherryPickedFrom(message: string): string | undefined {
  return CHERRY_PICK.exec(message)?.[1]?.toLowerCase();
}
