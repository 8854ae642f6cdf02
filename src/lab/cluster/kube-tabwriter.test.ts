import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignRows, DESCRIBE_TABWRITER, GET_TABWRITER, tabwrite } from './kube-tabwriter.ts';

describe('tabwrite()', () => {
  it('pads each column to its widest cell plus the padding, leaving the last cell alone', () => {
    assert.equal(tabwrite('NAME\tREADY\tAGE\nweb-1\t1/1\t5m\n', GET_TABWRITER), 'NAME    READY   AGE\nweb-1   1/1     5m\n');
  });

  it('makes a column at least minWidth wide', () => {
    assert.equal(tabwrite('A\tB\nC\tD\n', GET_TABWRITER), 'A     B\nC     D\n');
    assert.equal(tabwrite('A\tB\nC\tD\n', DESCRIBE_TABWRITER), 'A  B\nC  D\n');
  });

  it('ends a column block at a line without a cell in that column', () => {
    const text = 'Name:\tweb\nLonger label:\tx\nIPs:\n  IP:\t10.0.0.1\nBy:\ty\n';
    assert.equal(tabwrite(text, DESCRIBE_TABWRITER), 'Name:          web\nLonger label:  x\nIPs:\n  IP:  10.0.0.1\nBy:    y\n');
  });

  it('aligns nested columns only over the lines that have them', () => {
    const text = 'a\tb\tc\naaaa\tb\nx\tbbbbbb\tc\n';
    // Column 0 spans all three lines; column 1 exists only in lines 1 and 3, which are not adjacent.
    assert.equal(tabwrite(text, DESCRIBE_TABWRITER), 'a     b  c\naaaa  b\nx     bbbbbb  c\n');
  });

  it('pads empty cells, which is how a double tab makes an empty column', () => {
    assert.equal(tabwrite('A\tB\t\tC\nlong\tx\t\ty\n', DESCRIBE_TABWRITER), 'A     B    C\nlong  x    y\n');
  });

  it('counts characters, not UTF-16 units or bytes', () => {
    assert.equal(tabwrite('é\tx\nab\ty\n', DESCRIBE_TABWRITER), 'é   x\nab  y\n');
  });

  it('keeps a text without a final newline as it is', () => {
    assert.equal(tabwrite('a\tb', DESCRIBE_TABWRITER), 'a  b');
    assert.equal(tabwrite('', DESCRIBE_TABWRITER), '');
    assert.equal(tabwrite('\n', DESCRIBE_TABWRITER), '\n');
  });
});

describe('alignRows()', () => {
  it('writes rows like kubectl get (padding 3, min width 6)', () => {
    assert.equal(alignRows([['NAME', 'STATUS'], ['n1', 'Ready'], ['node-two', 'NotReady']]), 'NAME       STATUS\nn1         Ready\nnode-two   NotReady\n');
  });
});
