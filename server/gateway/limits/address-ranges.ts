/** Sets of IP addresses and CIDR blocks, on Node's own net.BlockList (IPv4-mapped IPv6 addresses match IPv4 blocks). */
import { BlockList, isIP } from 'node:net';

/** Whether `text` is an IP address or a CIDR block of them, as the config accepts. */
export function isAddressOrCidr(text: string): boolean {
  const [address = '', prefix, extra] = text.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The family argument net.BlockList wants for an address, or null when it is not one. */
export function familyOf(address: string): 'ipv4' | 'ipv6' | null {
  const family = isIP(address);
  return family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : null;
}

export function addressRanges(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) addEntry(list, entry);
  return list;
}

export function addEntry(list: BlockList, entry: string): void {
  const [address = '', prefix] = entry.split('/');
  const family = familyOf(address);
  if (!family) throw new Error(`not an IP address or CIDR block: "${entry}"`);
  if (prefix === undefined) list.addAddress(address, family);
  else list.addSubnet(address, Number(prefix), family);
}

export function inRanges(list: BlockList, address: string): boolean {
  const family = familyOf(address);
  return family !== null && list.check(address, family);
}

/**
 * One spelling per address: IPv4-mapped IPv6 ("::ffff:1.2.3.4", or uWS's
 * "0000:…:ffff:0102:0304" on a dual-stack socket) as plain IPv4, so one client counts once.
 */
export function canonicalAddress(address: string): string {
  const prefix = /^(?:::ffff:|(?:0{1,4}:){5}ffff:)/i.exec(address)?.[0];
  if (!prefix) return address.toLowerCase();
  const rest = address.slice(prefix.length);
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(rest);
  if (!hex) return familyOf(rest) === 'ipv4' ? rest : address.toLowerCase();
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}
