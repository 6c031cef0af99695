"""The catalogue in DCAT (W3C Data Catalog Vocabulary), as JSON-LD and Turtle, via rdflib."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from apps.opendata.choices import FREQUENCY_URIS, LICENCE_URLS, DatasetTheme, ResourceKind
from apps.opendata.models import Dataset
from apps.opendata.services.live import data_modified, modified
from apps.opendata.urls_helpers import absolute, dataset_url, resource_url

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
# Data themes of the EU vocabulary, the ones harvesters map; the local theme stays a keyword too.
THEME_URIS = {
    DatasetTheme.DISASTER: "http://publications.europa.eu/resource/authority/data-theme/JUST",
    DatasetTheme.COMMUNITY: "http://publications.europa.eu/resource/authority/data-theme/SOCI",
    DatasetTheme.ADMINISTRATION: "http://publications.europa.eu/resource/authority/data-theme/GOVE",
    DatasetTheme.HEALTH: "http://publications.europa.eu/resource/authority/data-theme/HEAL",
    DatasetTheme.ENVIRONMENT: "http://publications.europa.eu/resource/authority/data-theme/ENVI",
    DatasetTheme.TRANSPORT: "http://publications.europa.eu/resource/authority/data-theme/TRAN",
    DatasetTheme.EDUCATION: "http://publications.europa.eu/resource/authority/data-theme/EDUC",
    DatasetTheme.ECONOMY: "http://publications.europa.eu/resource/authority/data-theme/ECON",
    DatasetTheme.OTHER: "http://publications.europa.eu/resource/authority/data-theme/OP_DATPRO",
}
CONTEXT = {"dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "vcard": str(VCARD), "xsd": str(XSD),
           "spdx": str(SPDX)}


def _graph() -> Graph:
    graph = Graph()
    for prefix, namespace in CONTEXT.items():
        graph.bind(prefix, namespace)
    return graph


def _texts(graph: Graph, subject, predicate, ja: str, en: str) -> None:
    if ja:
        graph.add((subject, predicate, Literal(ja, lang="ja")))
    if en:
        graph.add((subject, predicate, Literal(en, lang="en")))


def _when(value) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.dateTime)


def add_dataset(graph: Graph, request: HttpRequest | None, dataset: Dataset) -> URIRef:
    node = URIRef(dataset_url(request, dataset))
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(dataset.id))))
    _texts(graph, node, DCTERMS.title, dataset.title, dataset.title_en)
    _texts(graph, node, DCTERMS.description, dataset.description, dataset.description_en)
    graph.add((node, DCAT.landingPage, node))
    graph.add((node, DCTERMS.issued, _when(dataset.created_at)))
    graph.add((node, DCTERMS.modified, _when(modified(dataset))))
    graph.add((node, DCTERMS.accrualPeriodicity, URIRef(FREQUENCY_URIS[dataset.update_frequency])))
    graph.add((node, DCAT.theme, URIRef(THEME_URIS.get(dataset.theme, THEME_URIS[DatasetTheme.OTHER]))))
    graph.add((node, DCAT.keyword, Literal(dataset.theme)))
    for tag in dataset.tags.all():
        graph.add((node, DCAT.keyword, Literal(tag.name)))
    publisher = URIRef(absolute(request, reverse("opendata:catalogue")) + f"?organisation={dataset.organisation.code}")
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Organization))
    _texts(graph, publisher, FOAF.name, dataset.organisation.name, dataset.organisation.name_en)
    if dataset.contact_name or dataset.contact_email:
        contact = BNode()
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((contact, RDF.type, VCARD.Organization))
        graph.add((contact, VCARD.fn, Literal(dataset.contact_name or dataset.organisation.name)))
        if dataset.contact_email:
            graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))
    if dataset.spatial:
        place = BNode()
        graph.add((node, DCTERMS.spatial, place))
        graph.add((place, RDF.type, DCTERMS.Location))
        graph.add((place, FOAF.name, Literal(dataset.spatial, lang="ja")))
    if dataset.temporal_start or dataset.temporal_end:
        period = BNode()
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            graph.add((period, DCAT.startDate, Literal(dataset.temporal_start.isoformat(), datatype=XSD.date)))
        if dataset.temporal_end:
            graph.add((period, DCAT.endDate, Literal(dataset.temporal_end.isoformat(), datatype=XSD.date)))
    licence = URIRef(LICENCE_URLS.get(dataset.licence, LICENCE_URLS["CC-BY-4.0"]))
    for resource in dataset.resources.all():
        distribution = URIRef(f"{node}#resource-{resource.id}")
        graph.add((node, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        _texts(graph, distribution, DCTERMS.title, resource.name, resource.name_en)
        url = URIRef(resource_url(request, resource))
        graph.add((distribution, DCAT.accessURL, url))
        if resource.kind != ResourceKind.LINK:
            graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCTERMS.license, licence))
        if resource.format:
            graph.add((distribution, DCTERMS.format, Literal(resource.format)))
        if resource.media_type:
            graph.add((distribution, DCAT.mediaType, URIRef(MEDIA_TYPES + resource.media_type)))
        stamp = data_modified(dataset) if resource.kind == ResourceKind.LIVE else resource.last_modified
        graph.add((distribution, DCTERMS.modified, _when(stamp)))
        if resource.size:
            graph.add((distribution, DCAT.byteSize, Literal(resource.size, datatype=XSD.nonNegativeInteger)))
        if resource.checksum:
            checksum = BNode()
            graph.add((distribution, SPDX.checksum, checksum))
            graph.add((checksum, RDF.type, SPDX.Checksum))
            graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            graph.add((checksum, SPDX.checksumValue, Literal(resource.checksum, datatype=XSD.hexBinary)))
    graph.add((node, DCTERMS.license, licence))
    return node


def catalogue_graph(request: HttpRequest | None, datasets: Iterable[Dataset]) -> Graph:
    graph = _graph()
    catalogue = URIRef(absolute(request, reverse("opendata:catalogue")))
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    _texts(graph, catalogue, DCTERMS.title, "オープンデータカタログ", "Open data catalogue")
    graph.add((catalogue, FOAF.homepage, catalogue))
    for dataset in datasets:
        graph.add((catalogue, DCAT.dataset, add_dataset(graph, request, dataset)))
    return graph


def dataset_graph(request: HttpRequest | None, dataset: Dataset) -> Graph:
    graph = _graph()
    add_dataset(graph, request, dataset)
    return graph


def serialize(graph: Graph, fmt: str) -> str:
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True)
    return graph.serialize(format="turtle")
