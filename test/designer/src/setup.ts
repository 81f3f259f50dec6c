import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// React Testing Library unmounts between tests only when told to under vitest.
afterEach(() => cleanup());
