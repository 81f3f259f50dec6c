import {
  Box,
  Database,
  Download,
  FileDown,
  FileText,
  Filter,
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
 * The icons node definitions name (kebab case). Listed rather than looked up in lucide's full
 * index so the bundle carries only these; an unknown name gets a plain box.
 */
const ICONS: Record<string, LucideIcon> = {
  database: Database,
  download: Download,
  'file-down': FileDown,
  'file-text': FileText,
  filter: Filter,
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

export function NodeIcon({ name, size = 20 }: { name: string; size?: number }) {
  const Icon = ICONS[name] ?? Box;
  return <Icon size={size} aria-hidden="true" />;
}
