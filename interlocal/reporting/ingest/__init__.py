"""Sales-report ingest: read → validate → match → load, set-based in DuckDB.

This module holds what the stages share: the line fields and the header synonyms that find
them in a supplier's file (:data:`COLUMNS`), and the problem codes with their severity.
The stages are :mod:`.read` (CSV or XLSX into a DuckDB table of text), :mod:`.validate`
(types and rules as SQL over the whole table), :mod:`.matching` (customers to agencies) and
:mod:`.load` (the database rows, in one transaction). :mod:`.pipeline` runs them in order.
"""

from interlocal.core.tabular import ColumnSpec

FIELDS = (
    "customer_name",
    "customer_address",
    "city",
    "state",
    "zip_code",
    "customer_id",
    "po_number",
    "invoice_number",
    "invoice_date",
    "order_type",
    "sku",
    "description",
    "category_code",
    "quantity",
    "unit",
    "unit_price",
    "list_price",
    "extended_amount",
    "tax",
    "freight",
)
REQUIRED = (
    "customer_name",
    "state",
    "invoice_number",
    "invoice_date",
    "sku",
    "quantity",
    "unit_price",
    "extended_amount",
)
#: The template's headers; also how a column is named in messages when the file lacks it.
DISPLAY = {
    "customer_name": "Customer Name",
    "customer_address": "Customer Address",
    "city": "City",
    "state": "State",
    "zip_code": "ZIP",
    "customer_id": "Customer Identifier",
    "po_number": "PO Number",
    "invoice_number": "Invoice Number",
    "invoice_date": "Invoice Date",
    "order_type": "Order Type",
    "sku": "SKU",
    "description": "Description",
    "category_code": "Category Code",
    "quantity": "Quantity",
    "unit": "Unit of Measure",
    "unit_price": "Unit Price",
    "list_price": "List Price",
    "extended_amount": "Extended Amount",
    "tax": "Tax",
    "freight": "Freight",
}
#: What each field means, for the template's notes and the field-notes page.
NOTES = {
    "customer_name": "The buying agency as invoiced (Bill To). Required.",
    "customer_address": "Street address of the customer.",
    "city": "City of the customer.",
    "state": "Two-letter USPS code of the customer's state (TX, DC, PR). Required.",
    "zip_code": "5-digit ZIP or ZIP+4; it narrows the match to nearby agencies.",
    "customer_id": (
        "Optional: the customer's Interlocal agency ID or 14-digit Census government ID. Not "
        "your own account number (use no column for that)."
    ),
    "po_number": "The customer's purchase-order number.",
    "invoice_number": "Your invoice number. Required.",
    "invoice_date": (
        "Date of the invoice, inside the quarter reported: 2026-08-15, 8/15/2026 or an Excel "
        "date. Required."
    ),
    "order_type": "sale (the default when empty), credit or return.",
    "sku": "Your item number as on the contract's price file. Required.",
    "description": "Item description.",
    "category_code": "Category (NIGP or UNSPSC code) if you have it.",
    "quantity": "Quantity invoiced; negative or positive on a credit. Required.",
    "unit": "Unit of measure (EA, BX, CS, HR).",
    "unit_price": "Net price per unit charged, up to 4 decimals. Required.",
    "list_price": "List (catalog) price per unit; it shows the agency's savings.",
    "extended_amount": (
        "Quantity x unit price, to the cent; negative on credits and returns. Required."
    ),
    "tax": "Sales tax on the line, if any.",
    "freight": "Freight or delivery charged on the line, if any.",
}
# Header synonyms, compared ignoring case, spaces, punctuation and parentheses. "Customer ID"
# is deliberately absent: in suppliers' files it is their own account number, which read as an
# agency ID would match the wrong agency.
# fmt: off
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_name": (
        "Customer", "Bill To Name", "Bill To", "Bill To Customer", "Sold To", "Sold To Name",
        "Ship To Name", "Agency", "Agency Name", "Account Name", "Member Name",
        "Participating Agency", "Entity Name", "Customer Account Name", "End User",
    ),
    "customer_address": (
        "Address", "Street", "Street Address", "Address 1", "Address Line 1", "Bill To Address",
        "Customer Street", "Ship To Address",
    ),
    "city": ("Customer City", "Bill To City", "Ship To City", "Town"),
    "state": (
        "ST", "Customer State", "Bill To State", "Ship To State", "State Code", "State Abbr",
    ),
    "zip_code": (
        "ZIP Code", "Zip", "Zipcode", "Postal Code", "Postcode", "Customer ZIP", "Bill To ZIP",
        "Ship To ZIP",
    ),
    "customer_id": (
        "Interlocal ID", "Agency ID", "Interlocal Agency ID", "Census ID", "Census Government ID",
        "Government ID", "Customer Identifier",
    ),
    "po_number": (
        "PO", "PO No", "PO #", "Purchase Order", "Purchase Order Number", "Customer PO",
        "Cust PO",
    ),
    "invoice_number": (
        "Invoice", "Invoice No", "Invoice #", "Inv No", "Inv Number", "Inv #", "Invoice ID",
        "Document Number",
    ),
    "invoice_date": (
        "Inv Date", "Date", "Invoice Dt", "Transaction Date", "Sale Date", "Billing Date",
    ),
    "order_type": (
        "Type", "Transaction Type", "Line Type", "Sale Type", "Sale/Credit", "Credit Flag",
    ),
    "sku": (
        "Item Number", "Item No", "Item #", "Item", "Part Number", "Part No", "Product Number",
        "Product Code", "Catalog Number", "Item Code", "Material", "Material Number",
    ),
    "description": (
        "Item Description", "Product Description", "Desc", "Item Name", "Product Name",
    ),
    "category_code": (
        "Category", "NIGP", "NIGP Code", "UNSPSC", "UNSPSC Code", "Commodity Code",
    ),
    "quantity": (
        "Qty", "Quantity Shipped", "Qty Shipped", "Quantity Invoiced", "Qty Invoiced",
        "Units Sold", "Qty Sold",
    ),
    "unit": ("UOM", "Unit", "U/M", "Unit of Issue", "Units"),
    "unit_price": (
        "Price", "Net Price", "Sell Price", "Unit Sell Price", "Net Unit Price", "Invoice Price",
        "Unit Cost", "Contract Price", "Price Each",
    ),
    "list_price": ("List", "MSRP", "Retail Price", "List Unit Price", "Catalog Price"),
    "extended_amount": (
        "Ext Price", "Extended Price", "Ext Amount", "Extended", "Ext Sell", "Extended Sell",
        "Line Total", "Line Amount", "Amount", "Total", "Net Amount", "Sales Amount",
        "Ext Amt", "Ext Total",
    ),
    "tax": ("Sales Tax", "Tax Amount", "Tax Amt"),
    "freight": ("Shipping", "Freight Amount", "Shipping Charge", "Delivery Charge", "Delivery"),
}
# fmt: on

COLUMNS = ColumnSpec("sales-report", FIELDS, REQUIRED, DISPLAY, SYNONYMS)

#: Problems that do not block acceptance. Every other code is an error.
WARNINGS = {
    "unknown_sku": "Item not on the contract's price file",
    "price_above_contract": "Unit price above the contract price",
    "no_price_file": "No price file in effect on the invoice date",
    "bad_zip": "ZIP code not 5 or 9 digits",
    "unknown_identifier": "Customer identifier not found",
    "rejected_customer": "Customer rejected by the program office",
}
#: The price-integrity exceptions, as kept on each sales line.
PRICE_EXCEPTIONS = ("price_above_contract", "unknown_sku", "no_price_file")
#: How many problems a report keeps line by line (their counts by code are always exact).
MAX_PROBLEMS = 100_000
