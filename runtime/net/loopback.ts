/**
 * Whether a host name or address (as bound, or from a Host header without its port) stays on
 * this machine: `localhost`, `::1` (bracketed or not) or any 127.x.y.z. The servers bind to
 * loopback by default and relax their checks only for such names.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
