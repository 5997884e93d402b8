from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock


class ModelloBlock(blocks.StructBlock):
    titolo = blocks.CharBlock(label="titolo")
    documento = DocumentChooserBlock(label="documento")
    descrizione = blocks.TextBlock(label="descrizione", required=False)

    class Meta:
        icon = "doc-full"
        label = "modello scaricabile"
        template = "documentazione/blocks/modello.html"


class FaqBlock(blocks.StructBlock):
    domanda = blocks.CharBlock(label="domanda")
    risposta = blocks.RichTextBlock(label="risposta")

    class Meta:
        icon = "help"
        label = "domanda frequente"
        template = "documentazione/blocks/faq.html"


class CorpoBlock(blocks.StreamBlock):
    titolo = blocks.CharBlock(label="titolo di sezione", template="documentazione/blocks/titolo.html")
    paragrafo = blocks.RichTextBlock(label="paragrafo")
    modello = ModelloBlock()
    faq = FaqBlock()
    avviso = blocks.RichTextBlock(label="avviso in evidenza", template="documentazione/blocks/avviso.html")
