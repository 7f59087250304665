// The "Cite" control of the rich text editor: cites one of the article's
// references (listed on the References tab) at the cursor. The citation is
// stored as <a linktype="citation" key="…"> and shown to readers as [n].
(function () {
  const React = window.React;
  const { EditorState, Modifier } = window.DraftJS;

  // Reference keys and titles from the References tab of this form, without
  // the entries marked for deletion.
  function articleReferences() {
    const references = [];
    document
      .querySelectorAll('input[name^="references-"][name$="-key"]')
      .forEach((input) => {
        const prefix = input.name.slice(0, -"key".length);
        if (prefix.includes("__prefix__") || !input.value.trim()) return;
        const deleted = document.querySelector(`[name="${prefix}DELETE"]`);
        if (deleted && (deleted.value === "1" || deleted.checked)) return;
        const title = document.querySelector(`[name="${prefix}title"]`);
        references.push({
          key: input.value.trim(),
          title: title ? title.value.trim() : "",
        });
      });
    return references;
  }

  // The article's keys as the choices of every reference key field of the
  // body ("References cited"), kept in step with the References tab.
  const KEYS_LIST = "health-articles-reference-keys";
  function updateKeyChoices() {
    let list = document.getElementById(KEYS_LIST);
    if (!list) {
      list = document.createElement("datalist");
      list.id = KEYS_LIST;
      document.body.append(list);
    }
    list.replaceChildren(
      ...articleReferences().map(({ key, title }) => {
        const option = document.createElement("option");
        option.value = key;
        if (title) option.label = title;
        return option;
      }),
    );
  }
  document.addEventListener("input", (event) => {
    if (event.target.name && event.target.name.startsWith("references-")) updateKeyChoices();
  });
  document.addEventListener("change", (event) => {
    if (event.target.name && event.target.name.startsWith("references-")) updateKeyChoices();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", updateKeyChoices);
  } else {
    updateKeyChoices();
  }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) =>
      node.setAttribute(name, value),
    );
    children.forEach((child) => node.append(child));
    return node;
  }

  // A modal dialog to pick a reference; resolves to its key, or null.
  function chooseReference(references) {
    return new Promise((resolve) => {
      const form = element("form", { method: "dialog" });
      const dialog = element(
        "dialog",
        {
          class: "citation-dialog",
          "aria-labelledby": "citation-dialog-heading",
        },
        form,
      );
      form.append(element("h2", { id: "citation-dialog-heading" }, "Cite a reference"));
      if (references.length) {
        const select = element("select", {
          id: "citation-dialog-key",
          name: "key",
        });
        references.forEach(({ key, title }) => {
          select.append(
            element("option", { value: key }, title ? `${key}: ${title}` : key),
          );
        });
        form.append(
          element("label", { for: "citation-dialog-key" }, "Reference"),
          select,
          element(
            "div",
            { class: "citation-dialog-actions" },
            element("button", { type: "submit", value: "cite", class: "button" }, "Cite"),
            element(
              "button",
              { type: "submit", value: "cancel", class: "button button-secondary" },
              "Cancel",
            ),
          ),
        );
      } else {
        form.append(
          element(
            "p",
            {},
            "This article has no references yet. Add them on the References tab (or import a list), then cite them here.",
          ),
          element("button", { type: "submit", value: "cancel", class: "button" }, "Close"),
        );
      }
      dialog.addEventListener("close", () => {
        const key =
          dialog.returnValue === "cite" ? form.elements.key.value : null;
        dialog.remove();
        resolve(key);
      });
      document.body.append(dialog);
      dialog.showModal();
    });
  }

  class CitationSource extends React.Component {
    componentDidMount() {
      const { editorState, entityType, onComplete, onClose } = this.props;
      chooseReference(articleReferences()).then((key) => {
        if (!key) {
          onClose();
          return;
        }
        const content = editorState.getCurrentContent();
        const selection = editorState.getSelection();
        // Cite after the selected text, never in place of it.
        const at = selection.merge({
          anchorKey: selection.getEndKey(),
          anchorOffset: selection.getEndOffset(),
          focusKey: selection.getEndKey(),
          focusOffset: selection.getEndOffset(),
          isBackward: false,
        });
        const withEntity = content.createEntity(entityType.type, "IMMUTABLE", {
          key,
        });
        const entityKey = withEntity.getLastCreatedEntityKey();
        const newContent = Modifier.insertText(
          withEntity,
          at,
          `[${key}]`,
          null,
          entityKey,
        );
        onComplete(EditorState.push(editorState, newContent, "insert-characters"));
      });
    }

    render() {
      return null;
    }
  }

  function Citation({ entityKey, contentState, children }) {
    const { key } = contentState.getEntity(entityKey).getData();
    return React.createElement(
      "span",
      { className: "citation-entity", title: `Cites reference ${key}` },
      children,
    );
  }

  window.draftail.registerPlugin(
    { type: "CITATION", source: CitationSource, decorator: Citation },
    "entityTypes",
  );
})();
