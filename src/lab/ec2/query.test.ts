import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Ec2ApiError } from './errors.ts';
import { decodeForm } from './form.ts';
import { parseQuery } from './query.ts';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof Ec2ApiError, `expected Ec2ApiError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('expected an Ec2ApiError');
}

describe('decodeForm()', () => {
  test('decodeForm() decodes plus as space and percent escapes as UTF-8', () => {
    const form = decodeForm('a=x+y%2Bz&b=%C3%A9t%C3%A9&c&d=&=ignored&&e=1=2');
    assert.deepEqual([...form], [['a', 'x y+z'], ['b', 'été'], ['c', ''], ['d', ''], ['e', '1=2']]);
  });

  test('decodeForm() keeps the last value of a repeated key', () => {
    assert.equal(decodeForm('a=1&a=2').get('a'), '2');
  });

  test('decodeForm() rejects malformed escapes and invalid UTF-8 as MalformedQueryString', () => {
    for (const body of ['a=%', 'a=%4', 'a=%zz', '%GG=1', 'a=%C3%28', 'a=%ED%A0%80']) {
      assert.equal(codeOf(() => decodeForm(body)), 'MalformedQueryString', body);
    }
  });

  test('decodeForm() enforces the key count and length limits', () => {
    const limits = { maxKeys: 3, maxKeyLength: 5, maxValueLength: 4 };
    assert.equal(decodeForm('a=1&b=2&c=3&a=4', limits).size, 3);
    assert.equal(codeOf(() => decodeForm('a=1&b=2&c=3&d=4', limits)), 'InvalidParameterValue');
    assert.equal(codeOf(() => decodeForm('abcdef=1', limits)), 'InvalidParameterValue');
    assert.equal(codeOf(() => decodeForm('a=12345', limits)), 'InvalidParameterValue');
  });

  test('decodeForm() accepts 2000 keys by default and refuses 2001', () => {
    const keys = (count: number): string => Array.from({ length: count }, (_, i) => `K${i}=v`).join('&');
    assert.equal(decodeForm(keys(2000)).size, 2000);
    assert.equal(codeOf(() => decodeForm(keys(2001))), 'InvalidParameterValue');
  });
});

describe('parseQuery()', () => {
  test('parseQuery() returns the action, version and parameters', () => {
    const query = parseQuery('Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-1');
    assert.equal(query.action, 'DescribeVpcs');
    assert.equal(query.version, '2016-11-15');
    assert.deepEqual(query.params.list('VpcId'), ['vpc-1']);
    assert.deepEqual(query.params.keys(), ['Action', 'Version', 'VpcId.1']);
  });

  test('parseQuery() without Action is MissingAction', () => {
    for (const body of ['', 'Version=2016-11-15', 'Action=']) {
      try {
        parseQuery(body);
        assert.fail('expected MissingAction');
      } catch (error) {
        assert.ok(error instanceof Ec2ApiError);
        assert.equal(error.code, 'MissingAction');
        assert.equal(error.message, 'The request must contain the parameter Action');
        assert.equal(error.httpStatus, 400);
      }
    }
  });

  test('parseQuery() never throws anything but Ec2ApiError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 20 }), (body, prefix) => {
        exerciseEverything(body, prefix);
      }),
      { numRuns: 2000 },
    );
  });

  test('parseQuery() never throws anything but Ec2ApiError on form-like input', () => {
    const token = fc.constantFrom('Action', 'Filter', 'Value', 'Name', '1', '0', '01', 'x', '%', '%2', '%E9', '+', '.', '=', '&');
    const body = fc.array(token, { maxLength: 40 }).map((parts) => `Action=A&${parts.join('')}`);
    fc.assert(fc.property(body, (text) => exerciseEverything(text, 'Filter')), { numRuns: 3000 });
  });

  test('parseQuery() never throws anything but Ec2ApiError on arbitrary bytes decoded as UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        exerciseEverything(Buffer.from(bytes).toString('utf8'), 'Tag');
      }),
      { numRuns: 2000 },
    );
  });
});

/** Parses and calls every accessor; fails the property if anything but an Ec2ApiError escapes. */
function exerciseEverything(body: string, prefix: string): void {
  const attempt = (run: () => unknown): void => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof Ec2ApiError)) throw error;
    }
  };
  attempt(() => {
    const { params } = parseQuery(body);
    attempt(() => params.list(prefix));
    attempt(() => params.structs(prefix).map((s) => [s.keys(), s.list('Value'), s.get('Name')]));
    attempt(() => params.struct(prefix)?.keys());
    attempt(() => params.filters());
    attempt(() => params.tagSpecifications());
    attempt(() => params.int(prefix));
    attempt(() => params.bool(prefix));
    attempt(() => params.required(prefix));
  });
}

describe('QueryParamsView', () => {
  const params = (body: string) => parseQuery(`Action=Test&${body}`).params;

  test('required() is MissingParameter naming the full key when absent or empty', () => {
    const p = params('Empty=&Filter.1.Value.1=a');
    assert.equal(p.required('Action'), 'Test');
    assert.equal(codeOf(() => p.required('Nope')), 'MissingParameter');
    assert.equal(codeOf(() => p.required('Empty')), 'MissingParameter');
    assert.throws(() => p.filters(), { message: 'The request must contain the parameter Filter.1.Name' });
  });

  test('int() parses integers within range and rejects the rest', () => {
    const p = params('A=42&B=-3&C=abc&D=1.5&E=99999999999999999&F=');
    assert.equal(p.int('A'), 42);
    assert.equal(p.int('B'), -3);
    assert.equal(p.int('Missing'), undefined);
    assert.equal(p.int('A', { min: 5, max: 1000 }), 42);
    for (const name of ['C', 'D', 'E', 'F']) assert.equal(codeOf(() => p.int(name)), 'InvalidParameterValue', name);
    assert.equal(codeOf(() => p.int('A', { max: 10 })), 'InvalidParameterValue');
    assert.equal(codeOf(() => p.int('B', { min: 0 })), 'InvalidParameterValue');
  });

  test('bool() accepts true/false in any case and rejects the rest', () => {
    const p = params('A=true&B=FALSE&C=True&D=yes&E=');
    assert.equal(p.bool('A'), true);
    assert.equal(p.bool('B'), false);
    assert.equal(p.bool('C'), true);
    assert.equal(p.bool('Missing'), undefined);
    assert.equal(codeOf(() => p.bool('D')), 'InvalidParameterValue');
    assert.equal(codeOf(() => p.bool('E')), 'InvalidParameterValue');
  });

  test('list() orders by numeric index, allows gaps and ignores longer keys', () => {
    const p = params('Id.10=ten&Id.2=two&Id.1=one&Id.3.Extra=x&Ids.1=other');
    assert.deepEqual(p.list('Id'), ['one', 'two', 'ten']);
    assert.deepEqual(p.list('Nothing'), []);
  });

  test('list() rejects non-numeric, zero and zero-padded indexes', () => {
    for (const key of ['Id.x', 'Id.0', 'Id.01', 'Id..', 'Id.-1', 'Id.1e3', 'Id.99999999']) {
      assert.equal(codeOf(() => params(`${key}=v`).list('Id')), 'InvalidParameterValue', key);
    }
  });

  test('structs() returns views with relative keys in index order', () => {
    const p = params('Sg.2.GroupId=sg-2&Sg.1.GroupId=sg-1&Sg.1.Rule.1.Port=80&Sg.1.Rule.2.Port=443');
    const groups = p.structs('Sg');
    assert.deepEqual(groups.map((g) => g.get('GroupId')), ['sg-1', 'sg-2']);
    assert.deepEqual(groups[0]!.keys().sort(), ['GroupId', 'Rule.1.Port', 'Rule.2.Port']);
    assert.deepEqual(groups[0]!.structs('Rule').map((r) => r.int('Port')), [80, 443]);
    assert.throws(() => groups[1]!.required('Name'), { message: 'The request must contain the parameter Sg.2.Name' });
  });

  test('struct() returns a nested view or undefined', () => {
    const p = params('Attachment.AttachmentId=eni-attach-1&Attachment.DeleteOnTermination=true');
    const attachment = p.struct('Attachment');
    assert.equal(attachment?.get('AttachmentId'), 'eni-attach-1');
    assert.equal(attachment?.bool('DeleteOnTermination'), true);
    assert.equal(p.struct('Missing'), undefined);
    assert.throws(() => attachment?.int('AttachmentId'), /Attachment\.AttachmentId/);
  });

  test('filters() reads Filter.N.Name and Filter.N.Value.M', () => {
    const p = params('Filter.2.Name=vpc-id&Filter.2.Value.1=vpc-1&Filter.1.Name=tag:k&Filter.1.Value.2=b&Filter.1.Value.1=a');
    assert.deepEqual(p.filters(), [
      { name: 'tag:k', values: ['a', 'b'] },
      { name: 'vpc-id', values: ['vpc-1'] },
    ]);
  });

  test('tagSpecifications() reads resource types and tags', () => {
    const p = params(
      'TagSpecification.1.ResourceType=network-interface&TagSpecification.1.Tag.1.Key=Name' +
        '&TagSpecification.1.Tag.1.Value=eni+one&TagSpecification.1.Tag.2.Key=empty',
    );
    assert.deepEqual(p.tagSpecifications(), [
      { resourceType: 'network-interface', tags: [{ key: 'Name', value: 'eni one' }, { key: 'empty', value: '' }] },
    ]);
    assert.equal(codeOf(() => params('TagSpecification.1.Tag.1.Key=k').tagSpecifications()), 'MissingParameter');
  });
});
