/**
 * The WSDL 1.1 of the patient web service, per version: five document /
 * literal operations in the version's target namespace, with the item
 * types of lifecare.md. Items use `xsd:all` because the service writes the
 * `Hetu` child anywhere among an item's children.
 */
import { escapeXml } from '../wire/xml.ts';
import { NAMESPACES, OPERATIONS, requestElement, responseElement, type LifecareVersion, type Operation } from './format.ts';

const REQUEST_CHILDREN: Record<Operation, string> = {
  HaePotilas: '<xsd:element name="Hetu" type="xsd:string"/>',
  HaeKaynnit:
    '<xsd:element name="Hetu" type="xsd:string"/>' +
    '<xsd:element name="Alkaen" type="tns:Pvm" minOccurs="0"/>' +
    '<xsd:element name="Asti" type="tns:Pvm" minOccurs="0"/>',
  HaeSuunnitelmat: '<xsd:element name="Hetu" type="xsd:string"/>',
  HaeMaksut: '<xsd:element name="Hetu" type="xsd:string"/><xsd:element name="Vuosi" type="xsd:int"/>',
  HaeMuuttuneet: '<xsd:element name="MuuttunutJalkeen" type="xsd:string"/><xsd:element name="Sivu" type="xsd:int"/>',
};

const RESPONSE_CHILDREN: Record<Operation, string> = {
  HaePotilas: '<xsd:element name="Potilas" type="tns:Potilas"/>',
  HaeKaynnit: '<xsd:element name="Kaynti" type="tns:Kaynti" minOccurs="0" maxOccurs="unbounded"/>',
  HaeSuunnitelmat: '<xsd:element name="Suunnitelma" type="tns:Suunnitelma" minOccurs="0" maxOccurs="unbounded"/>',
  HaeMaksut: '<xsd:element name="Maksu" type="tns:Maksu" minOccurs="0" maxOccurs="unbounded"/>',
  HaeMuuttuneet: '<xsd:element name="Hetu" type="xsd:string" minOccurs="0" maxOccurs="500"/><xsd:element name="Sivuja" type="xsd:int"/>',
};

function el(name: string, type: string, optional = false): string {
  return `<xsd:element name="${name}" type="${type}"${optional ? ' minOccurs="0"' : ''}/>`;
}

function potilasType(version: LifecareVersion): string {
  const names =
    version === 'MR2020'
      ? el('Sukunimi', 'xsd:string') + el('Etunimet', 'xsd:string') + el('Kutsumanimi', 'xsd:string', true)
      : el('Nimi', 'xsd:string');
  const turvakielto = version === 'MR2020' ? 'xsd:boolean' : 'tns:Kylla01';
  return (
    '<xsd:complexType name="Potilas"><xsd:all>' +
    el('PotilasId', 'xsd:long') +
    el('Hetu', 'xsd:string') +
    names +
    el('Syntymaaika', 'tns:Pvm') +
    el('Sukupuoli', 'tns:Sukupuoli') +
    el('Kotikunta', 'tns:Kuntakoodi') +
    el('Aidinkieli', 'xsd:string') +
    (version === 'MR2020' ? el('Asiointikieli', 'xsd:string') : '') +
    el('Osoite', 'tns:Osoite', true) +
    el('Puhelin', 'xsd:string', true) +
    el('Turvakielto', turvakielto) +
    el('Kuolinpaiva', 'tns:Pvm', true) +
    '</xsd:all></xsd:complexType>'
  );
}

function enumeration(name: string, values: readonly string[]): string {
  return (
    `<xsd:simpleType name="${name}"><xsd:restriction base="xsd:string">` +
    values.map((v) => `<xsd:enumeration value="${v}"/>`).join('') +
    '</xsd:restriction></xsd:simpleType>'
  );
}

function simpleTypes(version: LifecareVersion): string {
  const pvm =
    version === 'MR2020'
      ? '<xsd:simpleType name="Pvm"><xsd:restriction base="xsd:date"/></xsd:simpleType>'
      : '<xsd:simpleType name="Pvm"><xsd:restriction base="xsd:string"><xsd:pattern value="\\d{1,2}\\.\\d{1,2}\\.\\d{4}"/></xsd:restriction></xsd:simpleType>';
  // MR2020 writes a local time without offset; V2015 `D.M.YYYY h:mm`.
  const aika =
    version === 'MR2020'
      ? '<xsd:simpleType name="Aika"><xsd:restriction base="xsd:string"><xsd:pattern value="\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}"/></xsd:restriction></xsd:simpleType>'
      : '<xsd:simpleType name="Aika"><xsd:restriction base="xsd:string"><xsd:pattern value="\\d{1,2}\\.\\d{1,2}\\.\\d{4} \\d{1,2}:\\d{2}"/></xsd:restriction></xsd:simpleType>';
  return (
    pvm +
    aika +
    enumeration('Sukupuoli', ['1', '2']) +
    '<xsd:simpleType name="Kuntakoodi"><xsd:restriction base="xsd:string"><xsd:pattern value="\\d{3}"/></xsd:restriction></xsd:simpleType>' +
    (version === 'V2015' ? enumeration('Kylla01', ['1', '0']) : '') +
    enumeration('Palvelualue', ['PTH', 'STH']) +
    enumeration('Kayntityyppi', ['LAAK', 'HOIT', 'TERV', 'FYST', 'PSYK', 'HAMM', 'SUHY']) +
    enumeration('Yhteystapa', ['VO', 'PUH', 'VID', 'KOTI']) +
    enumeration('KayntiTila', ['VARATTU', 'TOTEUTUNUT', 'PERUTTU', 'EIS']) +
    enumeration('SuunnitelmaTyyppi', ['TERVEYS_JA_HOITO', 'KUNTOUTUS']) +
    enumeration('Kylla', ['K', 'E']) +
    enumeration('MaksuTila', ['AVOIN', 'MAKSETTU', 'MITATOITY']) +
    '<xsd:simpleType name="Euro"><xsd:restriction base="xsd:string"><xsd:pattern value="-?\\d+,\\d{2}"/></xsd:restriction></xsd:simpleType>'
  );
}

function complexTypes(version: LifecareVersion): string {
  return (
    '<xsd:complexType name="Osoite"><xsd:sequence>' +
    el('Lahiosoite', 'xsd:string') +
    el('Postinumero', 'xsd:string') +
    el('Postitoimipaikka', 'xsd:string') +
    '</xsd:sequence></xsd:complexType>' +
    potilasType(version) +
    '<xsd:complexType name="Yksikko"><xsd:sequence>' +
    el('Tunnus', 'xsd:string') +
    el('Nimi', 'xsd:string') +
    '</xsd:sequence></xsd:complexType>' +
    '<xsd:complexType name="Ammattilainen"><xsd:sequence>' +
    el('Nimi', 'xsd:string') +
    el('Nimike', 'xsd:string', true) +
    '</xsd:sequence></xsd:complexType>' +
    '<xsd:complexType name="Kaynti"><xsd:all>' +
    el('KayntiId', 'xsd:long') +
    el('Hetu', 'xsd:string') +
    el('Palvelualue', 'tns:Palvelualue') +
    el('Kayntityyppi', 'tns:Kayntityyppi') +
    el('Yhteystapa', 'tns:Yhteystapa') +
    el('Alkuaika', 'tns:Aika') +
    el('KestoMin', 'xsd:int') +
    el('Yksikko', 'tns:Yksikko') +
    el('Ammattilainen', 'tns:Ammattilainen', true) +
    el('Tila', 'tns:KayntiTila') +
    '</xsd:all></xsd:complexType>' +
    '<xsd:complexType name="Suunnitelma"><xsd:all>' +
    el('SuunnitelmaId', 'xsd:long') +
    el('Hetu', 'xsd:string') +
    el('Tyyppi', 'tns:SuunnitelmaTyyppi') +
    el('Otsikko', 'xsd:string') +
    el('Alkaa', 'tns:Pvm') +
    el('Paattyy', 'tns:Pvm', true) +
    el('Vastuuhenkilo', 'xsd:string') +
    '</xsd:all></xsd:complexType>' +
    '<xsd:complexType name="Maksu"><xsd:all>' +
    el('LaskuId', 'xsd:long') +
    el('Hetu', 'xsd:string') +
    el('Paivays', 'tns:Pvm') +
    el('Selite', 'xsd:string') +
    el('Summa', 'tns:Euro') +
    el('Maksukattoon', 'tns:Kylla') +
    el('Tila', 'tns:MaksuTila') +
    '</xsd:all></xsd:complexType>'
  );
}

function operationElements(): string {
  return OPERATIONS.map(
    (op) =>
      `<xsd:element name="${requestElement(op)}"><xsd:complexType><xsd:sequence>${REQUEST_CHILDREN[op]}</xsd:sequence></xsd:complexType></xsd:element>` +
      `<xsd:element name="${responseElement(op)}"><xsd:complexType><xsd:sequence>${RESPONSE_CHILDREN[op]}</xsd:sequence></xsd:complexType></xsd:element>`,
  ).join('');
}

/**
 * The WSDL of one version, with `location` as the service address. The
 * adapter's transport reads only its target namespace (the version) and
 * the operations its portType offers; the envelopes themselves are fixed
 * templates (format.ts).
 */
export function lifecareWsdl(version: LifecareVersion, location: string): string {
  const ns = NAMESPACES[version];
  const messages = OPERATIONS.map(
    (op) =>
      `<wsdl:message name="${requestElement(op)}"><wsdl:part name="parameters" element="tns:${requestElement(op)}"/></wsdl:message>` +
      `<wsdl:message name="${responseElement(op)}"><wsdl:part name="parameters" element="tns:${responseElement(op)}"/></wsdl:message>`,
  ).join('');
  const portOps = OPERATIONS.map(
    (op) =>
      `<wsdl:operation name="${op}"><wsdl:input message="tns:${requestElement(op)}"/><wsdl:output message="tns:${responseElement(op)}"/>` +
      '<wsdl:fault name="Virhe" message="tns:Virhe"/></wsdl:operation>',
  ).join('');
  const bindingOps = OPERATIONS.map(
    (op) =>
      `<wsdl:operation name="${op}"><soap:operation soapAction="${ns}#${op}" style="document"/>` +
      '<wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output>' +
      '<wsdl:fault name="Virhe"><soap:fault name="Virhe" use="literal"/></wsdl:fault></wsdl:operation>',
  ).join('');
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" ' +
    `xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="${ns}" targetNamespace="${ns}" name="PotilasPalvelu">` +
    `<wsdl:types><xsd:schema targetNamespace="${ns}" elementFormDefault="qualified">` +
    simpleTypes(version) +
    complexTypes(version) +
    operationElements() +
    '<xsd:element name="Virhe"><xsd:complexType><xsd:sequence><xsd:element name="Koodi" type="xsd:string"/></xsd:sequence></xsd:complexType></xsd:element>' +
    '</xsd:schema></wsdl:types>' +
    messages +
    '<wsdl:message name="Virhe"><wsdl:part name="detail" element="tns:Virhe"/></wsdl:message>' +
    `<wsdl:portType name="PotilasPalveluPortType">${portOps}</wsdl:portType>` +
    '<wsdl:binding name="PotilasPalveluBinding" type="tns:PotilasPalveluPortType">' +
    '<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>' +
    bindingOps +
    '</wsdl:binding>' +
    '<wsdl:service name="PotilasPalvelu"><wsdl:port name="PotilasPalveluPort" binding="tns:PotilasPalveluBinding">' +
    `<soap:address location="${escapeXml(location)}"/></wsdl:port></wsdl:service>` +
    '</wsdl:definitions>\n'
  );
}
