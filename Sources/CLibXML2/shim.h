#ifndef AYAT_CLIBXML2_SHIM_H
#define AYAT_CLIBXML2_SHIM_H
// Debian builds libxml2 with ICU, whose headers clash with Foundation's ICU module.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/c14n.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xmlerror.h>
#include <string.h>

// xmlFree is a global function pointer, which Swift 6 rejects as not concurrency-safe.
static inline void ayat_xml_free(void *pointer) { xmlFree(pointer); }

// MARK: - Problems reported by libxml2

/// The first problem libxml2 reported, copied out so Swift never holds libxml2's error storage.
typedef struct {
    int count;
    int line;
    int code;
    char message[400];
} ayat_xml_problem;

static inline void ayat_record_problem(ayat_xml_problem *problem, int line, int code, const char *message) {
    if (problem == NULL) return;
    problem->count += 1;
    if (problem->count > 1) return;
    problem->line = line;
    problem->code = code;
    if (message == NULL) message = "unknown error";
    strncpy(problem->message, message, sizeof(problem->message) - 1);
    problem->message[sizeof(problem->message) - 1] = 0;
    // libxml2 messages end with a newline; the caller formats its own.
    size_t length = strlen(problem->message);
    while (length > 0 && (problem->message[length - 1] == '\n' || problem->message[length - 1] == ' ')) {
        problem->message[--length] = 0;
    }
}

#if LIBXML_VERSION >= 21200
static void ayat_structured_error(void *user, const xmlError *error)
#else
static void ayat_structured_error(void *user, xmlErrorPtr error)
#endif
{
    if (error == NULL) return;
    if (error->level == XML_ERR_WARNING) return;
    ayat_record_problem((ayat_xml_problem *)user, error->line, error->code, error->message);
}

// MARK: - Strict parsing

/// SAX hook for `<!DOCTYPE`: called before any internal subset (entity declarations) is read,
/// so a billion-laughs document is stopped before a single entity is declared.
static void ayat_refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *externalID, const xmlChar *systemID) {
    (void)name; (void)externalID; (void)systemID;
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    int *sawDoctype = (int *)ctxt->_private;
    if (sawDoctype != NULL) *sawDoctype = 1;
    xmlStopParser(ctxt);
}

/// Parses `buffer` into a document; refuses any DOCTYPE. Returns NULL on failure, with
/// `*sawDoctype` set when the reason was a DOCTYPE, and `problem` filled otherwise.
static inline xmlDocPtr ayat_parse_strict(const char *buffer, int size, int options,
                                          int *sawDoctype, ayat_xml_problem *problem) {
    *sawDoctype = 0;
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(buffer, size);
    if (ctxt == NULL) {
        ayat_record_problem(problem, 0, XML_ERR_NO_MEMORY, "cannot create a parser");
        return NULL;
    }
    xmlCtxtUseOptions(ctxt, options);
    ctxt->_private = sawDoctype;
    if (ctxt->sax != NULL) {
        ctxt->sax->internalSubset = ayat_refuse_doctype;
        ctxt->sax->externalSubset = ayat_refuse_doctype;
    }
    xmlParseDocument(ctxt);
    xmlDocPtr doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    if (*sawDoctype || !ctxt->wellFormed || doc == NULL) {
        if (!*sawDoctype) {
            xmlErrorPtr last = xmlCtxtGetLastError(ctxt);
            if (last != NULL && last->code != XML_ERR_OK) {
                ayat_record_problem(problem, last->line, last->code, last->message);
            } else {
                ayat_record_problem(problem, 0, XML_ERR_DOCUMENT_EMPTY, "not a well-formed document");
            }
        }
        if (doc != NULL) xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

// MARK: - Canonicalisation of a node set

/// The node set to canonicalise: everything under `apex` (or the whole document when NULL),
/// minus the subtree rooted at `excluded` (the enveloped-signature transform).
typedef struct {
    xmlNodePtr apex;
    xmlNodePtr excluded;
} ayat_c14n_selection;

static int ayat_c14n_is_visible(void *user, xmlNodePtr node, xmlNodePtr parent) {
    const ayat_c14n_selection *selection = (const ayat_c14n_selection *)user;
    if (node == NULL) return 0;
    // Namespace nodes are xmlNs structs: only their `type` field (same offset as xmlNode's) is read.
    xmlNodePtr element = node;
    if (node->type == XML_NAMESPACE_DECL || node->type == XML_ATTRIBUTE_NODE) {
        element = parent;
    }
    int insideApex = (selection->apex == NULL);
    for (xmlNodePtr cursor = element; cursor != NULL; cursor = cursor->parent) {
        if (cursor == selection->excluded) return 0;
        if (cursor == selection->apex) insideApex = 1;
        if (cursor->type == XML_DOCUMENT_NODE) break;
    }
    return insideApex;
}

/// Canonicalises the selection into a fresh output buffer (NULL on failure). The caller reads
/// it with xmlOutputBufferGetContent/GetSize and releases it with xmlOutputBufferClose.
static inline xmlOutputBufferPtr ayat_c14n(xmlDocPtr doc, xmlNodePtr apex, xmlNodePtr excluded,
                                           int mode, xmlChar **inclusivePrefixes, int withComments) {
    xmlOutputBufferPtr output = xmlAllocOutputBuffer(NULL);
    if (output == NULL) return NULL;
    ayat_c14n_selection selection = { apex, excluded };
    int useCallback = (apex != NULL || excluded != NULL);
    int written = xmlC14NExecute(doc, useCallback ? ayat_c14n_is_visible : NULL,
                                 useCallback ? &selection : NULL,
                                 mode, inclusivePrefixes, withComments, output);
    if (written < 0) {
        xmlOutputBufferClose(output);
        return NULL;
    }
    return output;
}

// MARK: - Schema validation

static inline void ayat_schema_capture_errors(xmlSchemaValidCtxtPtr context, ayat_xml_problem *problem) {
    xmlSchemaSetValidStructuredErrors(context, ayat_structured_error, problem);
}

static inline void ayat_schema_parser_capture_errors(xmlSchemaParserCtxtPtr context, ayat_xml_problem *problem) {
    xmlSchemaSetParserStructuredErrors(context, ayat_structured_error, problem);
}

#endif
