"""DCAT: the catalogue and each dataset in JSON-LD and Turtle, parsed back with rdflib."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

pytestmark = pytest.mark.django_db


def parse(client, url: str, fmt: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200
    graph = Graph()
    graph.parse(data=response.content.decode(), format=fmt, publicID="http://testserver/")
    return graph


@pytest.mark.parametrize(("suffix", "fmt"), [("jsonld", "json-ld"), ("ttl", "turtle")])
def test_catalogue_parses_with_datasets_and_distributions(client, city, uploaded, suffix, fmt):
    response = client.get(reverse("dcat-catalogue", args=[suffix]))
    assert response["Content-Type"].startswith({"jsonld": "application/ld+json", "ttl": "text/turtle"}[suffix])
    graph = parse(client, f"/catalog.{suffix}", fmt)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    datasets = set(graph.objects(catalogue, DCAT.dataset))
    assert len(datasets) == client.get("/api/3/action/package_search", {"rows": 0}).json()["result"]["count"]

    shelters = URIRef("http://testserver/opendata/shelters/")
    assert shelters in datasets
    assert (shelters, RDF.type, DCAT.Dataset) in graph
    assert (shelters, DCTERMS.title, Literal("指定緊急避難場所・指定避難所一覧", lang="ja")) in graph
    assert (shelters, DCTERMS.title, Literal("Evacuation sites and shelters", lang="en")) in graph
    assert (shelters, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph
    assert Literal("避難所") in set(graph.objects(shelters, DCAT.keyword))
    assert graph.value(shelters, DCAT.theme) is not None
    assert graph.value(shelters, DCTERMS.modified).toPython() is not None
    media = {str(graph.value(distribution, DCAT.mediaType)): str(graph.value(distribution, DCAT.downloadURL))
             for distribution in graph.objects(shelters, DCAT.distribution)}
    geojson = media["https://www.iana.org/assignments/media-types/application/geo+json"]
    assert geojson == "http://testserver/opendata/shelters/download/geojson.geojson"
    assert client.get(geojson).status_code == 200


def test_dataset_document_has_period_area_contact_and_checksum(client, uploaded, staff):
    from apps.opendata.services.catalogue import update_dataset

    dataset, resource = uploaded
    update_dataset(user=staff, dataset=dataset, organisation=dataset.organisation, tags=["人口"],
                   temporal_start="2026-01-01", temporal_end="2026-10-31", contact_name="市民課",
                   contact_email="shimin@city.example.jp")
    for suffix, fmt in (("jsonld", "json-ld"), ("ttl", "turtle")):
        graph = parse(client, f"/opendata/population.{suffix}", fmt)
        node = URIRef("http://testserver/opendata/population/")
        period = graph.value(node, DCTERMS.temporal)
        assert str(graph.value(period, DCAT.startDate)) == "2026-01-01"
        assert str(graph.value(period, DCAT.endDate)) == "2026-10-31"
        assert graph.value(node, DCTERMS.spatial) is not None
        assert graph.value(node, DCAT.contactPoint) is not None
        (distribution,) = graph.objects(node, DCAT.distribution)
        assert str(graph.value(distribution, DCTERMS.format)) == "CSV"
        assert graph.value(distribution, DCAT.byteSize).toPython() == resource.size


def test_unknown_dataset_or_format_is_404(client, uploaded):
    assert client.get("/opendata/nothing.ttl").status_code == 404
    assert client.get("/opendata/population.rdf").status_code == 404
