import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_NODES_MESSAGE, schedulePod, schedulePods } from './scheduler.ts';
import type { SchedulableNode } from './scheduler.ts';

function node(name: string, podCount: number, maxPods = 17, ready = true): SchedulableNode {
  return { name, ready, maxPods, podCount };
}

describe('schedulePod()', () => {
  it('picks the node with the lowest pods / maxPods ratio', () => {
    // a: 8/17 = 0.47, b: 10/29 = 0.34, c: 5/11 = 0.45
    assert.deepEqual(schedulePod([node('a', 8), node('b', 10, 29), node('c', 5, 11)]), { node: 'b' });
  });

  it('breaks a ratio tie by fewer pods, then by name', () => {
    // 2/10 and 4/20 are the same ratio: fewer pods wins.
    assert.deepEqual(schedulePod([node('a', 4, 20), node('b', 2, 10)]), { node: 'b' });
    assert.deepEqual(schedulePod([node('b', 3), node('a', 3), node('c', 3)]), { node: 'a' });
  });

  it('compares ratios exactly, not as rounded floats', () => {
    // 1/3 vs 2/6 tie exactly; 33/100 is below both.
    assert.deepEqual(schedulePod([node('x', 2, 6), node('y', 1, 3)]), { node: 'y' });
    assert.deepEqual(schedulePod([node('x', 2, 6), node('y', 1, 3), node('z', 33, 100)]), { node: 'z' });
  });

  it('skips nodes that are not Ready and nodes at max pods', () => {
    assert.deepEqual(schedulePod([node('a', 0, 17, false), node('b', 17), node('c', 16)]), { node: 'c' });
  });

  it('reports full nodes as kube-scheduler does', () => {
    assert.deepEqual(schedulePod([node('a', 17), node('b', 17), node('c', 18)]), {
      unschedulable: '0/3 nodes are available: 3 Too many pods.',
    });
  });

  it('counts each reason and sorts the "<count> <reason>" strings like Go sort.Strings', () => {
    assert.deepEqual(schedulePod([node('a', 17), node('b', 0, 17, false), node('c', 17)]), {
      unschedulable: '0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 2 Too many pods.',
    });
    // The count leads the sorted string, so "1 Too many pods" sorts before "2 node(s) ...".
    assert.deepEqual(schedulePod([node('a', 17), node('b', 0, 17, false), node('c', 3, 17, false)]), {
      unschedulable: '0/3 nodes are available: 1 Too many pods, 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.',
    });
  });

  it('reports a node that is not Ready for its taint only, even when it is also full', () => {
    assert.deepEqual(schedulePod([node('a', 17, 17, false)]), {
      unschedulable: '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.',
    });
  });

  it('treats maxPods 0 as full', () => {
    assert.deepEqual(schedulePod([node('a', 0, 0)]), { unschedulable: '0/1 nodes are available: 1 Too many pods.' });
  });

  it('says there are no nodes when the cluster has none', () => {
    assert.deepEqual(schedulePod([]), { unschedulable: 'no nodes available to schedule pods' });
    assert.equal(NO_NODES_MESSAGE, 'no nodes available to schedule pods');
  });

  it('does not reorder or change its input', () => {
    const nodes = [node('b', 1), node('a', 1)];
    schedulePod(nodes);
    assert.deepEqual(nodes.map((n) => n.name), ['b', 'a']);
  });
});

describe('schedulePods()', () => {
  it('spreads pods over nodes, counting each placement', () => {
    const decisions = schedulePods([node('a', 2, 5), node('b', 2, 5), node('c', 3, 5)], 5);
    assert.deepEqual(decisions, [{ node: 'a' }, { node: 'b' }, { node: 'a' }, { node: 'b' }, { node: 'c' }]);
  });

  it('leaves the excess unschedulable once every node is full', () => {
    const decisions = schedulePods([node('a', 2, 3), node('b', 1, 2)], 4);
    // b (1/2) is less loaded than a (2/3); then b is full.
    assert.deepEqual(decisions, [
      { node: 'b' },
      { node: 'a' },
      { unschedulable: '0/2 nodes are available: 2 Too many pods.' },
      { unschedulable: '0/2 nodes are available: 2 Too many pods.' },
    ]);
  });

  it('fills 3 t3.medium nodes (17 pods, 2 system pods each) to 45 pods, then reports Too many pods', () => {
    const nodes = ['n1', 'n2', 'n3'].map((name) => node(name, 2, 17));
    const decisions = schedulePods(nodes, 50);
    const placed = decisions.filter((d) => 'node' in d);
    assert.equal(placed.length, 45);
    for (const name of ['n1', 'n2', 'n3']) assert.equal(placed.filter((d) => d.node === name).length, 15);
    assert.deepEqual(decisions.slice(45), Array(5).fill({ unschedulable: '0/3 nodes are available: 3 Too many pods.' }));
    assert.deepEqual(nodes.map((n) => n.podCount), [2, 2, 2], 'input nodes are not changed');
  });

  it('returns nothing for zero pods', () => {
    assert.deepEqual(schedulePods([node('a', 0)], 0), []);
  });
});
