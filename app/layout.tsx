import type { Metadata } from "next";
import Link from "next/link";
import { cookies } from "next/headers";
import { connection } from "next/server";
import { type ReactNode, Suspense } from "react";
import { readPageViewer } from "./_auth/require-page-viewer";
import { UserMenu } from "./_auth/user-menu";
import { SearchBox } from "@/components/search-box";
import { MainMenu } from "@/components/ui/main-menu";
import { NavLink } from "@/components/ui/nav-link";
import { ThemeToggle } from "@/components/ui/theme-toggle";
import { THEME_COOKIE, parseThemeChoice, themeClassName } from "@/lib/theme/theme-choice";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Shiplog", template: "%s · Shiplog" },
  description: "Fleet-wide release dashboard for Argo CD: what runs where, and how it got there.",
  // Listed here, icons replace the <link> Next would make for app/icon.svg, so it is named too. The
  // .ico (sizes 32x32, so that browsers that read SVG take the SVG) and the apple icon are in
  // public/ (scripts/draw-icons.ts).
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "32x32" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: "/apple-touch-icon.png",
  },
  manifest: "/manifest.webmanifest",
  // A private tool: public/robots.txt keeps crawlers out, and this keeps any page a crawler
  // reached through a stray link out of the index.
  robots: { index: false, follow: false },
};

/** The pages in the top bar, in the order users reach for them. */
const navigation = [
  { href: "/", label: "Fleet" },
  { href: "/timeline", label: "Timeline" },
  { href: "/environments", label: "Environments" },
  { href: "/metrics", label: "DORA" },
  { href: "/rollbacks", label: "Rollbacks" },
  { href: "/promotions", label: "Promotions" },
  { href: "/settings/integrations", label: "Ingestion" },
];

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, never prerendered at build time: its scripts carry the
  // request's CSP nonce (proxy.ts), and a prerendered page's could not.
  await connection();
  const theme = parseThemeChoice((await cookies()).get(THEME_COOKIE)?.value);
  // Signed-out visitors (the sign-in page) see no navigation or search: none of it would open for them.
  const viewer = await readPageViewer().catch(() => null);
  return (
    <html lang="en" className={themeClassName(theme)}>
      <body className="min-h-screen">
        <header className="relative border-b border-zinc-200 bg-white">
          <div className="mx-auto flex h-14 max-w-7xl items-center gap-4 px-4 sm:px-6">
            <Link href="/" className="text-lg font-semibold tracking-tight text-zinc-950 no-underline">
              Shiplog
            </Link>
            {viewer ? (
              <MainMenu>
                <nav aria-label="Main" className="flex lg:self-stretch">
                  <ul className="flex flex-col gap-3 text-sm font-medium lg:flex-row lg:gap-4 lg:self-stretch">
                    {navigation.map(({ href, label }) => (
                      <li key={href} className="flex">
                        <NavLink href={href}>{label}</NavLink>
                      </li>
                    ))}
                  </ul>
                </nav>
                <SearchBox />
                <ThemeToggle initial={theme} />
                <Suspense fallback={null}>
                  <UserMenu />
                </Suspense>
              </MainMenu>
            ) : (
              <div className="ml-auto">
                <ThemeToggle initial={theme} />
              </div>
            )}
          </div>
        </header>
        <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6 sm:py-8">
          <Providers>{children}</Providers>
        </main>
      </body>
    </html>
  );
}
