#!/usr/bin/env python3
"""Checks a built site's DCAT catalogue with a real RDF parser (rdflib).

Usage: check_catalog.py <output folder> <base_url>

Parses <output>/data/catalog.jsonld as JSON-LD and checks the DCAT-AP mandatory properties of
the catalogue, its datasets and distributions (and the recommended ones namrong promises), that
titles and descriptions are tagged th and en, and that every distribution's accessURL and
downloadURL is a file of the build whose size is the dcat:byteSize given. Also reads
<output>/data/catalog.ttl as Turtle and checks it holds the same statements.

Exit status: 0 when everything holds (one summary line on stdout), 1 with one line per problem,
2 on bad usage, 3 when rdflib is not installed.
"""
import os
import sys

try:
    from rdflib import Graph, Literal, Namespace
    from rdflib.compare import isomorphic
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS
except ImportError:
    print("rdflib is not installed: run `python3 -m pip install rdflib`", file=sys.stderr)
    sys.exit(3)

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")


def main(out, base):
    path = os.path.join(out, "data", "catalog.jsonld")
    g = Graph()
    try:
        g.parse(path, format="json-ld")
    except Exception as e:  # any parse failure is a finding, not a crash
        print(f"{path}: cannot be parsed as JSON-LD: {e}")
        return 1
    problems = []

    def need(node, prop, what, name):
        values = list(g.objects(node, prop))
        if not values:
            problems.append(f"{what} {node} has no {name}")
        return values

    def bilingual(node, prop, what, name):
        values = need(node, prop, what, name)
        langs = {v.language for v in values if isinstance(v, Literal)}
        for lang in ("th", "en"):
            if values and lang not in langs:
                problems.append(f"{what} {node}: {name} has no @language {lang!r} value")

    catalogs = list(g.subjects(RDF.type, DCAT.Catalog))
    if len(catalogs) != 1:
        problems.append(f"expected one dcat:Catalog, found {len(catalogs)}")
    for c in catalogs:
        bilingual(c, DCTERMS.title, "catalogue", "dct:title")
        bilingual(c, DCTERMS.description, "catalogue", "dct:description")
        for pub in need(c, DCTERMS.publisher, "catalogue", "dct:publisher"):
            need(pub, FOAF.name, "publisher", "foaf:name")
        for prop, name in [(DCAT.dataset, "dcat:dataset"), (FOAF.homepage, "foaf:homepage"),
                           (DCTERMS.language, "dct:language"), (DCTERMS.license, "dct:license"),
                           (DCTERMS.issued, "dct:issued"), (DCTERMS.modified, "dct:modified"),
                           (DCTERMS.spatial, "dct:spatial"), (DCAT.themeTaxonomy, "dcat:themeTaxonomy")]:
            need(c, prop, "catalogue", name)

    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    listed = set(g.objects(catalogs[0], DCAT.dataset)) if catalogs else set()
    distributions = 0
    for d in datasets:
        if d not in listed:
            problems.append(f"dataset {d} is not listed by the catalogue's dcat:dataset")
        bilingual(d, DCTERMS.title, "dataset", "dct:title")
        bilingual(d, DCTERMS.description, "dataset", "dct:description")
        for prop, name in [(DCAT.keyword, "dcat:keyword"), (DCAT.theme, "dcat:theme"),
                           (DCTERMS.spatial, "dct:spatial"), (DCAT.landingPage, "dcat:landingPage"),
                           (DCTERMS.identifier, "dct:identifier"), (DCTERMS.issued, "dct:issued"),
                           (DCTERMS.modified, "dct:modified")]:
            need(d, prop, "dataset", name)
        for pub in need(d, DCTERMS.publisher, "dataset", "dct:publisher"):
            need(pub, FOAF.name, "publisher", "foaf:name")
        for cp in need(d, DCAT.contactPoint, "dataset", "dcat:contactPoint"):
            need(cp, VCARD.fn, "contact point", "vcard:fn")
            if not list(g.objects(cp, VCARD.hasEmail)) and not list(g.objects(cp, VCARD.hasURL)):
                problems.append(f"contact point {cp} has neither vcard:hasEmail nor vcard:hasURL")
        for page in g.objects(d, DCAT.landingPage):
            check_file(out, base, page, "landing page of " + str(d), problems)
        for concept in g.objects(d, DCAT.theme):
            if str(concept).startswith(base) and not list(g.objects(concept, SKOS.prefLabel)):
                problems.append(f"theme {concept} has no skos:prefLabel")
        for dist in need(d, DCAT.distribution, "dataset", "dcat:distribution"):
            distributions += 1
            check_distribution(g, out, base, dist, problems, need)

    if not datasets:
        problems.append("the catalogue describes no dcat:Dataset")
    turtle = os.path.join(out, "data", "catalog.ttl")
    t = Graph()
    try:
        t.parse(turtle, format="turtle")
        if not isomorphic(g, t):
            problems.append(f"{turtle} does not hold the same statements as catalog.jsonld ({len(t)} and {len(g)} triples)")
    except Exception as e:
        problems.append(f"{turtle}: cannot be read as Turtle: {e}")
    if problems:
        for p in problems:
            print(p)
        return 1
    print(f"ok: {len(catalogs)} catalogue, {len(datasets)} datasets, {distributions} distributions, {len(g)} triples, the same in Turtle")
    return 0


def check_distribution(g, out, base, dist, problems, need):
    if (dist, RDF.type, DCAT.Distribution) not in g:
        problems.append(f"distribution {dist} is not typed dcat:Distribution")
    access = need(dist, DCAT.accessURL, "distribution", "dcat:accessURL")
    download = list(g.objects(dist, DCAT.downloadURL))
    for prop, name in [(DCTERMS.description, "dct:description"), (DCTERMS.format, "dct:format"),
                       (DCTERMS.license, "dct:license"), (DCAT.mediaType, "dcat:mediaType"),
                       (DCATAP.availability, "dcatap:availability")]:
        need(dist, prop, "distribution", name)
    sizes = [int(s) for s in need(dist, DCAT.byteSize, "distribution", "dcat:byteSize")]
    for url in access + download:
        real = check_file(out, base, url, "distribution " + str(dist), problems)
        if real is not None and sizes and sizes[0] != real:
            problems.append(f"distribution {dist}: dcat:byteSize is {sizes[0]} but {url} has {real} bytes")


def check_file(out, base, url, what, problems):
    """The size of the built file at `url`, or None (with a problem) when the build has none."""
    url = str(url)
    if not url.startswith(base):
        problems.append(f"{what}: {url} is not under the site's base URL {base}")
        return None
    rel = url[len(base):].split("#")[0]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    path = os.path.join(out, *rel.split("/"))
    if not os.path.isfile(path):
        problems.append(f"{what}: {url} is not a file of the build ({path} is missing)")
        return None
    return os.path.getsize(path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
