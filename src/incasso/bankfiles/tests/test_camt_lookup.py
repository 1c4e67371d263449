"""The fast CAMT lookups (``_Doc.flat``) find exactly what lxml's ``find``/``iterfind`` find."""

from __future__ import annotations

from lxml import etree

from incasso.bankfiles.camt import _ENTRY_SHAPE, _TX_SHAPE, _Doc, _Shape

from .conftest import BANK

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"

# Repeated and out-of-order elements, comments, another namespace, empty first matches.
TRICKY = f"""<Document xmlns="{NS}" xmlns:x="urn:other"><BkToCstmrStmt><Stmt><Ntry>
  <!-- a comment --><x:Amt Ccy="EUR">9.99</x:Amt><Amt Ccy="EUR">1.00</Amt><Amt Ccy="EUR">2.00</Amt>
  <CdtDbtInd>DBIT</CdtDbtInd><Sts/><Sts><Cd>BOOK</Cd></Sts><ValDt><DtTm>2024-01-02T10:00:00</DtTm><Dt>2024-01-03</Dt></ValDt>
  <NtryDtls><TxDtls><RltdPties><Dbtr/></RltdPties><RltdPties><Dbtr><Nm>  </Nm><Pty><Nm>B</Nm></Pty></Dbtr>
    <Dbtr><Nm>C</Nm></Dbtr></RltdPties><RmtInf><Ustrd/><Ustrd>one</Ustrd><Strd/><Strd><CdtrRefInf>
    <Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf><RmtInf><Ustrd>two<!-- c -->more</Ustrd></RmtInf>
    <x:RtrInf><Rsn><Cd>AC04</Cd></Rsn></x:RtrInf><RtrInf><Rsn><x:Cd>MS03</x:Cd><Prtry>P</Prtry></Rsn></RtrInf>
  </TxDtls></NtryDtls><NtryDtls/><NtryDtls><TxDtls><Amt Ccy="EUR">2.00</Amt></TxDtls></NtryDtls>
</Ntry></Stmt></BkToCstmrStmt></Document>""".encode()


def _assert_same_as_lxml(doc: _Doc, element: etree._Element, shape: _Shape) -> None:
    flat = doc.flat(element, shape)
    for path in shape.paths:
        key = tuple(path.split("/"))
        assert flat.first.get(key) is element.find(doc.q(path)), path
    for key in shape.every:
        assert flat.every[key] == list(element.iterfind(doc.q("/".join(key)))), key


def _check_document(root: etree._Element) -> int:
    doc = _Doc("x", etree.QName(root).namespace or "")
    checked = 0
    for entry in root.iter(f"{{{doc.ns}}}Ntry"):
        _assert_same_as_lxml(doc, entry, _ENTRY_SHAPE)
        for tx in entry.iterfind(doc.q("NtryDtls/TxDtls")):
            _assert_same_as_lxml(doc, tx, _TX_SHAPE)
        checked += 1
    return checked


def test_tricky_entry() -> None:
    assert _check_document(etree.fromstring(TRICKY)) == 1


def test_every_shared_camt_file() -> None:
    checked = 0
    for path in sorted(BANK.rglob("*.xml")):
        root = etree.parse(str(path)).getroot()
        if "camt.05" in (etree.QName(root).namespace or ""):
            checked += _check_document(root)
    assert checked > 20
