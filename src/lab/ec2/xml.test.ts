import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Ec2ApiError } from './errors.ts';
import { escapeXml, renderError, renderReply } from './xml.ts';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';

describe('renderReply()', () => {
  test('renderReply() wraps the body in <ActionResponse> with the namespace and request id', () => {
    const xml = renderReply('DeleteVpc', 'req-1', { return: true });
    assert.equal(xml, `${DECLARATION}<DeleteVpcResponse ${NS}><requestId>req-1</requestId><return>true</return></DeleteVpcResponse>`);
  });

  test('renderReply() renders arrays as items, objects as elements, numbers and booleans as text', () => {
    const xml = renderReply('DescribeThings', 'r', {
      thingSet: [{ thingId: 't-1', count: 3, tagSet: [{ key: 'a', value: 'b' }] }, { thingId: 't-2', skipped: undefined }],
      names: ['x', 'y'],
      empty: [],
      nested: { enabled: false, inner: { zero: 0 } },
      absent: undefined,
    });
    const body = xml.slice(xml.indexOf('</requestId>') + '</requestId>'.length, xml.indexOf('</DescribeThingsResponse>'));
    assert.equal(
      body,
      '<thingSet><item><thingId>t-1</thingId><count>3</count><tagSet><item><key>a</key><value>b</value></item></tagSet></item>' +
        '<item><thingId>t-2</thingId></item></thingSet>' +
        '<names><item>x</item><item>y</item></names><empty></empty>' +
        '<nested><enabled>false</enabled><inner><zero>0</zero></inner></nested>',
    );
  });

  test('renderReply() escapes text so any string round-trips through an XML parser', () => {
    const parser = new XMLParser({ parseTagValue: false, processEntities: true, htmlEntities: false });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 50 }), (text) => {
        const xml = renderReply('Echo', 'r', { value: `[${text}]` });
        assert.equal(XMLValidator.validate(xml), true);
        const parsed = parser.parse(xml) as { EchoResponse: { value: string } };
        assert.equal(parsed.EchoResponse.value, `[${text}]`);
      }),
      { numRuns: 500 },
    );
  });
});

describe('escapeXml()', () => {
  test('escapeXml() escapes markup characters', () => {
    assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&apos;');
  });

  test('escapeXml() replaces characters XML 1.0 cannot carry and keeps the rest', () => {
    assert.equal(escapeXml('a\u0000b\u001fc\ud800d\udc00e\uffff'), 'a\ufffdb\ufffdc\ufffdd\ufffde\ufffd');
    assert.equal(escapeXml('tab\tnl\ncr\r😀é'), 'tab\tnl\ncr\r😀é');
  });
});

describe('renderError()', () => {
  test('renderError() renders the EC2 error document', () => {
    const error = new Ec2ApiError('InvalidVpcID.NotFound', "The vpc ID 'vpc-<1>' does not exist");
    assert.equal(
      renderError(error, 'req-9'),
      `${DECLARATION}<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code>` +
        `<Message>The vpc ID &apos;vpc-&lt;1&gt;&apos; does not exist</Message></Error></Errors>` +
        '<RequestID>req-9</RequestID></Response>',
    );
  });
});
