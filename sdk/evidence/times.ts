/** Block times as a court reads them: ISO 8601 in UTC and in Beijing time (UTC+8 all year: China has no DST). */
export function isoTimes(unixSeconds: number): { timeUtc: string; timeBeijing: string } {
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "");
  return { timeUtc: `${iso(unixSeconds * 1000)}Z`, timeBeijing: `${iso((unixSeconds + 8 * 3600) * 1000)}+08:00` };
}
