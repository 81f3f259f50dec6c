import {
  Box,
  Database,
  Download,
  FileDown,
  FileText,
  Funnel,
  Globe,
  Inbox,
  RadioTower,
  Send,
  Shield,
  Shuffle,
  Sparkles,
  Split,
  Table,
  Terminal,
  Upload,
  type LucideIcon,
} from 'lucide-react';

/**
 * The icons node definitions name (`icon:` in shared/nodes, kebab case), imported one by one so
 * the bundle carries only these. A new node type with a new icon adds a line here; a test
 * checks that every registered type is covered.
 */
export const NODE_ICONS: Readonly<Record<string, LucideIcon>> = {
  database: Database,
  download: Download,
  'file-down': FileDown,
  'file-text': FileText,
  // lucide renamed "filter" to "funnel"; node definitions keep the familiar name.
  filter: Funnel,
  globe: Globe,
  inbox: Inbox,
  'radio-tower': RadioTower,
  send: Send,
  shield: Shield,
  shuffle: Shuffle,
  sparkles: Sparkles,
  split: Split,
  table: Table,
  terminal: Terminal,
  upload: Upload,
};

/** Shown for unknown node types and icon names missing from the map. */
export const FALLBACK_ICON: LucideIcon = Box;

export function iconFor(name: string | undefined): LucideIcon {
  return (name !== undefined && Object.hasOwn(NODE_ICONS, name) ? NODE_ICONS[name] : undefined) ?? FALLBACK_ICON;
}
