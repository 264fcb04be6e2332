"use client";
// A deployment trend chart for below the fold: the frame (caption, description, legend, the
// plot's box at its final height) renders at once, on the server too; recharts is fetched and
// the bars drawn only once the plot's box comes on screen, so a page whose chart nobody scrolls
// to spends no script time on it.
import dynamic from "next/dynamic";
import { useCallback, useState } from "react";
import { DeploymentTrendFigure, type DeploymentTrendPoint } from "./deployment-trend-figure";

const DeploymentTrendBars = dynamic(() => import("./deployment-trend-bars").then((module) => module.DeploymentTrendBars), {
  ssr: false,
  loading: () => null,
});

export function DeploymentTrendChartWhenVisible({ points, label, height = 220 }: { points: DeploymentTrendPoint[]; label: string; height?: number }) {
  const [visible, setVisible] = useState(false);
  // A callback ref: observes the box it is given and stops when React lets go of it.
  const watch = useCallback((box: HTMLDivElement | null) => {
    if (!box) return;
    if (typeof IntersectionObserver === "undefined") {
      setVisible(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        setVisible(true);
        observer.disconnect();
      }
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, []);
  return (
    <DeploymentTrendFigure points={points} label={label} height={height} plotRef={visible ? undefined : watch}>
      {visible ? <DeploymentTrendBars points={points} /> : null}
    </DeploymentTrendFigure>
  );
}
