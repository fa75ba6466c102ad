/** The lifecycle clock: transitions applied lazily when due, and consistency windows. */
import { describe, expect, it } from 'vitest';
import { LifecycleClock, visibleNow, type LifecycleSubject } from '../../../../src/testing/emulators/kit/lifecycle-clock.js';

type State = 'pending' | 'running' | 'stopping' | 'stopped';

describe('LifecycleClock', () => {
  it('moves a resource pending → running only once the delay has passed', () => {
    let now = 1000;
    const clock = new LifecycleClock(() => now);
    const vm: LifecycleSubject<State, string> = { state: 'pending', transition: clock.schedule<State, string>('running', 500, 'booted') };
    expect(clock.advance(vm)).toBe(false);
    now += 499;
    clock.advance(vm);
    expect(vm.state).toBe('pending');
    now += 1;
    const entered: [State, string | undefined][] = [];
    expect(clock.advance(vm, (to, reason) => entered.push([to, reason]))).toBe(true);
    expect(vm).toEqual({ state: 'running', transition: undefined });
    expect(entered).toEqual([['running', 'booted']]);
  });

  it('applies chained transitions that are all due in one read', () => {
    let now = 0;
    const clock = new LifecycleClock(() => now);
    const vm: LifecycleSubject<State> = { state: 'stopping', transition: clock.schedule<State>('stopped', 10) };
    const seen: State[] = [];
    now = 100;
    clock.advance(vm, (to) => {
      seen.push(to);
      // Entering "stopped" schedules a restart that is due at once.
      if (to === 'stopped') vm.transition = { to: 'pending', at: 50 };
      if (to === 'pending') vm.transition = { to: 'running', at: 200 };
    });
    expect(seen).toEqual(['stopped', 'pending']);
    expect(vm.state).toBe('pending');
    expect(vm.transition).toEqual({ to: 'running', at: 200 });
  });

  it('hides what was just created from lagging reads until the window closes', () => {
    let now = 0;
    const clock = new LifecycleClock(() => now);
    const window = clock.window(300);
    const items = [{ id: 'old', listedAt: 0 }, { id: 'new', listedAt: window.closesAt }];
    expect(window.closed).toBe(false);
    expect(visibleNow(clock, items, (i) => i.listedAt).map((i) => i.id)).toEqual(['old']);
    now = 300;
    expect(window.closed).toBe(true);
    expect(visibleNow(clock, items, (i) => i.listedAt).map((i) => i.id)).toEqual(['old', 'new']);
    expect(clock.window(-5).closed).toBe(true);
  });
});
