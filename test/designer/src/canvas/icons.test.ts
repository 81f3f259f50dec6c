import { describe, expect, it } from 'vitest';
import { FALLBACK_ICON, iconFor, NODE_ICONS } from '../../../../designer/src/canvas/icons';
import { registry } from '../../../../designer/src/registry';

describe('node icons', () => {
  it('has an icon for every registered node type', () => {
    const missing = registry
      .nodes()
      .filter((d) => !Object.hasOwn(NODE_ICONS, d.icon))
      .map((d) => `${d.type} (${d.icon})`);
    expect(missing).toEqual([]);
  });

  it('falls back for unknown names', () => {
    expect(iconFor('no-such-icon')).toBe(FALLBACK_ICON);
    expect(iconFor(undefined)).toBe(FALLBACK_ICON);
    expect(iconFor('toString')).toBe(FALLBACK_ICON);
    expect(iconFor('split')).toBe(NODE_ICONS.split);
  });
});
