// The settings pages' own navigation: ingestion, one's API tokens and account for everyone, and for admins
// the people, webhook tokens and audit pages (which the top bar does not list, to keep it short).
import { readPageViewer } from "@/app/_auth/require-page-viewer";
import { NavLink } from "@/components/ui/nav-link";
import { can } from "@/lib/auth/roles";

export async function SettingsNav() {
  // The same per-request read as the page's own gate and the header.
  const viewer = await readPageViewer().catch(() => null);
  const links = [
    { href: "/settings/integrations", label: "Ingestion" },
    { href: "/settings/api-tokens", label: "API tokens" },
    { href: "/settings/account", label: "Your account" },
    ...(can(viewer, "admin")
      ? [
          { href: "/settings/users", label: "Users and roles" },
          { href: "/settings/tokens", label: "Webhook tokens" },
          { href: "/audit", label: "Audit log" },
        ]
      : []),
  ];
  if (links.length < 2) return null;
  return (
    <nav aria-label="Settings" className="mb-6 border-b border-zinc-200">
      <ul className="flex flex-wrap gap-x-6 text-sm font-medium">
        {links.map(({ href, label }) => (
          <li key={href} className="flex h-10 whitespace-nowrap">
            <NavLink href={href}>{label}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
