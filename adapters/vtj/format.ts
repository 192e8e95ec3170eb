/**
 * VTJ's wire format (vtj.md): SOAP 1.1 document/literal over HTTP, UTF-8,
 * namespace `urn:vtj:henkilotietokysely:1`. Shared by the emulator (which
 * writes envelopes and the WSDL) and the adapter (which reads them).
 */
import { escapeXml } from '../wire/xml.ts';

export const VTJ_NS = 'urn:vtj:henkilotietokysely:1';
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** The service's path; the WSDL is at this path with `?wsdl`. */
export const VTJ_PATH = '/vtj/HenkilotietoPalvelu';
export const OPERATION = 'TeeHenkilonTunnusKysely';
export const RESPONSE_ELEMENT = 'VTJHenkiloVastaussanoma';
export const SOAP_ACTION = `${VTJ_NS}#${OPERATION}`;
/** The only product the region asks for. */
export const PRODUCT_CODE = 'PERUSSANOMA1';

/** `Paluukoodi` values. */
export const PALUUKOODI = { FOUND: '0000', NOT_FOUND: '0001', MALFORMED_CODE: '0002' } as const;
export type Paluukoodi = (typeof PALUUKOODI)[keyof typeof PALUUKOODI];

/** Element names inside `Henkilo`, in the order the service writes them. */
export const EL = {
  henkilot: 'Henkilot',
  henkilo: 'Henkilo',
  hetu: 'Henkilotunnus',
  hetuInForce: 'voimassaolokoodi',
  surnameGroup: 'NykyinenSukunimi',
  surname: 'Sukunimi',
  firstNamesGroup: 'NykyisetEtunimet',
  firstNames: 'Etunimet',
  address: 'VakinainenKotimainenLahiosoite',
  streetFi: 'LahiosoiteS',
  streetSv: 'LahiosoiteR',
  postalCode: 'Postinumero',
  cityFi: 'PostitoimipaikkaS',
  citySv: 'PostitoimipaikkaR',
  municipality: 'Kotikunta',
  municipalityCode: 'Kuntanumero',
  municipalityFi: 'KuntaS',
  municipalitySv: 'KuntaR',
  languageGroup: 'Aidinkieli',
  language: 'Kielikoodi',
  turvakieltoGroup: 'Turvakielto',
  turvakielto: 'TurvakieltoTieto',
  deathGroup: 'Kuolintiedot',
  deathDate: 'Kuolinpvm',
  guardians: 'Huoltajat',
  guardian: 'Huoltaja',
  dependants: 'Huollettavat',
  dependant: 'Huollettava',
} as const;

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * The request envelope of `TeeHenkilonTunnusKysely` for one code, text
 * escaped (a caller may pass any string; the service answers 0002 for a
 * malformed code). `header`: a whole `soap:Header` element (X-Road,
 * WS-Security), or '' for none.
 */
export function requestEnvelope(hetu: string, header = ''): string {
  return (
    `${XML_DECL}<soap:Envelope xmlns:soap="${SOAP_ENV_NS}">${header}<soap:Body>` +
    `<${OPERATION} xmlns="${VTJ_NS}"><Henkilotunnus>${escapeXml(hetu)}</Henkilotunnus><Tuotekoodi>${PRODUCT_CODE}</Tuotekoodi></${OPERATION}>` +
    `</soap:Body></soap:Envelope>`
  );
}

/**
 * The response envelope. `henkiloXml` is a `Henkilo` element exactly as
 * stored in the fixtures, in the default namespace that the response
 * element declares. `header`: the request's X-Road header echoed (PR-MESS
 * asks a service to copy it into its answer), or ''.
 */
export function responseEnvelope(paluukoodi: Paluukoodi, henkiloXml?: string, header = ''): string {
  return (
    `${XML_DECL}<soap:Envelope xmlns:soap="${SOAP_ENV_NS}">${header}<soap:Body>` +
    `<${RESPONSE_ELEMENT} xmlns="${VTJ_NS}"><Paluukoodi>${paluukoodi}</Paluukoodi>${henkiloXml ?? ''}</${RESPONSE_ELEMENT}>` +
    `</soap:Body></soap:Envelope>`
  );
}

/** A SOAP 1.1 fault envelope (`Server`: the service's side; `Client`: the request). */
export function faultEnvelope(code: 'Server' | 'Client', faultString: string): string {
  return (
    `${XML_DECL}<soap:Envelope xmlns:soap="${SOAP_ENV_NS}"><soap:Body><soap:Fault>` +
    `<faultcode>soap:${code}</faultcode><faultstring>${escapeXml(faultString)}</faultstring>` +
    `</soap:Fault></soap:Body></soap:Envelope>`
  );
}

/** `YYYYMMDD` → `YYYY-MM-DD` (shape only; the caller checks the calendar). */
export function vtjDateToIso(yyyymmdd: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(yyyymmdd);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** `YYYY-MM-DD` → `YYYYMMDD`. */
export function isoToVtjDate(iso: string): string {
  return iso.replaceAll('-', '');
}

/**
 * The service description. `location` is the endpoint named in it.
 * Document/literal, qualified elements, so a generic SOAP client would
 * build the request in the service's namespace; the adapter's transport
 * only checks the target namespace and that the operation is offered, and
 * sends the fixed envelope of `requestEnvelope`.
 */
export function wsdl(location: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="HenkilotietoPalvelu" targetNamespace="${VTJ_NS}"
    xmlns:tns="${VTJ_NS}"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <wsdl:types>
    <xsd:schema targetNamespace="${VTJ_NS}" elementFormDefault="qualified">
      <xsd:element name="${OPERATION}">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="Henkilotunnus" type="xsd:string"/>
            <xsd:element name="Tuotekoodi" type="xsd:string"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="${RESPONSE_ELEMENT}">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="Paluukoodi" type="xsd:string"/>
            <xsd:element name="Henkilo" type="tns:Henkilo" minOccurs="0"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:complexType name="Henkilotunnus">
        <xsd:simpleContent>
          <xsd:extension base="xsd:string">
            <xsd:attribute name="voimassaolokoodi" type="xsd:string"/>
          </xsd:extension>
        </xsd:simpleContent>
      </xsd:complexType>
      <xsd:complexType name="HenkilotunnusViite">
        <xsd:sequence>
          <xsd:element name="Henkilotunnus" type="xsd:string"/>
        </xsd:sequence>
      </xsd:complexType>
      <xsd:complexType name="Henkilo">
        <xsd:sequence>
          <xsd:element name="Henkilotunnus" type="tns:Henkilotunnus"/>
          <xsd:element name="NykyinenSukunimi">
            <xsd:complexType><xsd:sequence><xsd:element name="Sukunimi" type="xsd:string"/></xsd:sequence></xsd:complexType>
          </xsd:element>
          <xsd:element name="NykyisetEtunimet">
            <xsd:complexType><xsd:sequence><xsd:element name="Etunimet" type="xsd:string"/></xsd:sequence></xsd:complexType>
          </xsd:element>
          <xsd:element name="VakinainenKotimainenLahiosoite" minOccurs="0">
            <xsd:complexType>
              <xsd:sequence>
                <xsd:element name="LahiosoiteS" type="xsd:string"/>
                <xsd:element name="LahiosoiteR" type="xsd:string"/>
                <xsd:element name="Postinumero" type="xsd:string"/>
                <xsd:element name="PostitoimipaikkaS" type="xsd:string"/>
                <xsd:element name="PostitoimipaikkaR" type="xsd:string"/>
              </xsd:sequence>
            </xsd:complexType>
          </xsd:element>
          <xsd:element name="Kotikunta" minOccurs="0">
            <xsd:complexType>
              <xsd:sequence>
                <xsd:element name="Kuntanumero" type="xsd:string"/>
                <xsd:element name="KuntaS" type="xsd:string"/>
                <xsd:element name="KuntaR" type="xsd:string"/>
              </xsd:sequence>
            </xsd:complexType>
          </xsd:element>
          <xsd:element name="Aidinkieli" minOccurs="0">
            <xsd:complexType><xsd:sequence><xsd:element name="Kielikoodi" type="xsd:string"/></xsd:sequence></xsd:complexType>
          </xsd:element>
          <xsd:element name="Turvakielto">
            <xsd:complexType><xsd:sequence><xsd:element name="TurvakieltoTieto" type="xsd:string"/></xsd:sequence></xsd:complexType>
          </xsd:element>
          <xsd:element name="Kuolintiedot" minOccurs="0">
            <xsd:complexType><xsd:sequence><xsd:element name="Kuolinpvm" type="xsd:string"/></xsd:sequence></xsd:complexType>
          </xsd:element>
          <xsd:element name="Huoltajat" minOccurs="0">
            <xsd:complexType>
              <xsd:sequence><xsd:element name="Huoltaja" type="tns:HenkilotunnusViite" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence>
            </xsd:complexType>
          </xsd:element>
          <xsd:element name="Huollettavat" minOccurs="0">
            <xsd:complexType>
              <xsd:sequence><xsd:element name="Huollettava" type="tns:HenkilotunnusViite" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence>
            </xsd:complexType>
          </xsd:element>
        </xsd:sequence>
      </xsd:complexType>
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="${OPERATION}Request">
    <wsdl:part name="parameters" element="tns:${OPERATION}"/>
  </wsdl:message>
  <wsdl:message name="${OPERATION}Response">
    <wsdl:part name="parameters" element="tns:${RESPONSE_ELEMENT}"/>
  </wsdl:message>
  <wsdl:portType name="HenkilotietoPalveluPortType">
    <wsdl:operation name="${OPERATION}">
      <wsdl:input message="tns:${OPERATION}Request"/>
      <wsdl:output message="tns:${OPERATION}Response"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="HenkilotietoPalveluBinding" type="tns:HenkilotietoPalveluPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="${OPERATION}">
      <soap:operation soapAction="${SOAP_ACTION}" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="HenkilotietoPalvelu">
    <wsdl:port name="HenkilotietoPalveluPort" binding="tns:HenkilotietoPalveluBinding">
      <soap:address location="${escapeXml(location)}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}

/** What came back over HTTP, before any reading. */
export interface VtjHttpAnswer {
  readonly status: number;
  readonly contentType?: string;
  readonly body: Uint8Array;
}
