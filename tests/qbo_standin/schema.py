"""Element and attribute names of the entities the stand-in serves.

Transcribed from Intuit's published XML schemas (intuit/QuickBooks-V3-Java-SDK,
ipp-v3-java-data/src/main/xsd/: Finance.xsd, IntuitNamesTypes.xsd, IntuitBaseTypes.xsd),
flattening each type's xs:extension chain (IntuitEntity -> Transaction -> SalesTransaction ...).
XML attributes (domain, status, sparse) appear as plain keys in the JSON wire format.
Everything the stand-in emits must be a name in these tables; the tests check it.
"""


SCHEMA_FIELDS = {
    'Customer': frozenset((
        'Id', 'SyncToken', 'MetaData', 'CustomField', 'AttachableRef', 'domain', 'status',
        'sparse', 'IntuitId', 'Organization', 'Title', 'GivenName', 'MiddleName', 'FamilyName',
        'Suffix', 'FullyQualifiedName', 'CompanyName', 'DisplayName', 'PrintOnCheckName',
        'UserId', 'Active', 'V4IDPseudonym', 'PrimaryPhone', 'AlternatePhone', 'Mobile', 'Fax',
        'PrimaryEmailAddr', 'WebAddr', 'OtherContactInfo', 'DefaultTaxCodeRef', 'Taxable',
        'BillAddr', 'ShipAddr', 'OtherAddr', 'ContactName', 'AltContactName', 'Notes', 'Job',
        'BillWithParent', 'RootCustomerRef', 'ParentRef', 'Level', 'CustomerTypeRef',
        'SalesTermRef', 'SalesRepRef', 'TaxGroupCodeRef', 'TaxRateRef', 'PaymentMethodRef',
        'CCDetail', 'PriceLevelRef', 'Balance', 'OpenBalanceDate', 'BalanceWithJobs',
        'CreditLimit', 'AcctNum', 'CurrencyRef', 'OverDueBalance', 'TotalRevenue', 'TotalExpense',
        'PreferredDeliveryMethod', 'ResaleNum', 'JobInfo', 'TDSEnabled', 'CustomerEx',
        'SecondaryTaxIdentifier', 'ARAccountRef', 'PrimaryTaxIdentifier', 'TaxExemptionReasonId',
        'IsProject', 'BusinessNumber', 'GSTIN', 'GSTRegistrationType', 'IsCISContractor',
        'ClientCompanyId', 'ClientEntityId', 'Source', 'TaxRegime'
    )),
    'Invoice': frozenset((
        'Id', 'SyncToken', 'MetaData', 'CustomField', 'AttachableRef', 'domain', 'status',
        'sparse', 'DocNumber', 'TxnDate', 'DepartmentRef', 'CurrencyRef', 'ExchangeRate',
        'PrivateNote', 'TxnStatus', 'LinkedTxn', 'Line', 'TxnTaxDetail', 'TxnSource',
        'TaxFormType', 'TaxFormNum', 'TransactionLocationType', 'Tag', 'TxnApprovalInfo',
        'RecurDataRef', 'RecurringInfo', 'ProjectRef', 'TotalCostAmount', 'HomeTotalCostAmount',
        'AutoDocNumber', 'CustomerRef', 'CustomerMemo', 'BillAddr', 'ShipAddr', 'FreeFormAddress',
        'ShipFromAddr', 'RemitToRef', 'ClassRef', 'SalesTermRef', 'DueDate', 'SalesRepRef',
        'PONumber', 'FOB', 'ShipMethodRef', 'ShipDate', 'TrackingNum', 'GlobalTaxCalculation',
        'TotalAmt', 'HomeTotalAmt', 'ApplyTaxAfterDiscount', 'ShippingTaxIncludedInTotalTax',
        'TemplateRef', 'PrintStatus', 'EmailStatus', 'BillEmail', 'BillEmailCc', 'BillEmailBcc',
        'ARAccountRef', 'Balance', 'HomeBalance', 'FinanceCharge', 'PaymentMethodRef',
        'PaymentRefNum', 'PaymentType', 'CheckPayment', 'CreditCardPayment',
        'DepositToAccountRef', 'DeliveryInfo', 'DiscountRate', 'DiscountAmt',
        'GovtTxnRefIdentifier', 'TaxExemptionRef', 'Deposit', 'AllowIPNPayment',
        'AllowOnlinePayment', 'AllowOnlineCreditCardPayment', 'AllowOnlineACHPayment',
        'AllowOnlinePayPalPayment', 'EInvoiceStatus', 'ECloudStatusTimeStamp', 'CfdiUse',
        'Exportation', 'GlobalInfo', 'invoiceStatus', 'callToAction', 'invoiceStatusLog',
        'InvoiceEx', 'LessCIS', 'InvoiceLink', 'PaymentDetailsMessage', 'ConvenienceFeeDetail',
        'InvoiceLinkSecurityCode', 'InvoiceLinkExpiryDate', 'AutoPayEligible',
        'SchedulePayEligible', 'ScheduledPaymentId', 'GratuityEnabled', 'FinancingProductType',
        'SubscriptionPaymentsSetting'
    )),
    'Payment': frozenset((
        'Id', 'SyncToken', 'MetaData', 'CustomField', 'AttachableRef', 'domain', 'status',
        'sparse', 'DocNumber', 'TxnDate', 'DepartmentRef', 'CurrencyRef', 'ExchangeRate',
        'PrivateNote', 'TxnStatus', 'LinkedTxn', 'Line', 'TxnTaxDetail', 'TxnSource',
        'TaxFormType', 'TaxFormNum', 'TransactionLocationType', 'Tag', 'TxnApprovalInfo',
        'RecurDataRef', 'RecurringInfo', 'ProjectRef', 'TotalCostAmount', 'HomeTotalCostAmount',
        'CustomerRef', 'RemitToRef', 'ARAccountRef', 'DepositToAccountRef', 'PaymentMethodRef',
        'PaymentRefNum', 'PaymentType', 'CheckPayment', 'CreditCardPayment', 'TotalAmt',
        'UnappliedAmt', 'ProcessPayment', 'PaymentEx'
    )),
    'CreditMemo': frozenset((
        'Id', 'SyncToken', 'MetaData', 'CustomField', 'AttachableRef', 'domain', 'status',
        'sparse', 'DocNumber', 'TxnDate', 'DepartmentRef', 'CurrencyRef', 'ExchangeRate',
        'PrivateNote', 'TxnStatus', 'LinkedTxn', 'Line', 'TxnTaxDetail', 'TxnSource',
        'TaxFormType', 'TaxFormNum', 'TransactionLocationType', 'Tag', 'TxnApprovalInfo',
        'RecurDataRef', 'RecurringInfo', 'ProjectRef', 'TotalCostAmount', 'HomeTotalCostAmount',
        'AutoDocNumber', 'CustomerRef', 'CustomerMemo', 'BillAddr', 'ShipAddr', 'FreeFormAddress',
        'ShipFromAddr', 'RemitToRef', 'ClassRef', 'SalesTermRef', 'DueDate', 'SalesRepRef',
        'PONumber', 'FOB', 'ShipMethodRef', 'ShipDate', 'TrackingNum', 'GlobalTaxCalculation',
        'TotalAmt', 'HomeTotalAmt', 'ApplyTaxAfterDiscount', 'ShippingTaxIncludedInTotalTax',
        'TemplateRef', 'PrintStatus', 'EmailStatus', 'BillEmail', 'BillEmailCc', 'BillEmailBcc',
        'ARAccountRef', 'Balance', 'HomeBalance', 'FinanceCharge', 'PaymentMethodRef',
        'PaymentRefNum', 'PaymentType', 'CheckPayment', 'CreditCardPayment',
        'DepositToAccountRef', 'DeliveryInfo', 'DiscountRate', 'DiscountAmt',
        'GovtTxnRefIdentifier', 'TaxExemptionRef', 'RemainingCredit', 'InvoiceRef', 'CreditMemoEx'
    )),
    'Term': frozenset((
        'Id', 'SyncToken', 'MetaData', 'CustomField', 'AttachableRef', 'domain', 'status',
        'sparse', 'Name', 'Active', 'Type', 'DiscountPercent', 'DueDays', 'DiscountDays',
        'DayOfMonthDue', 'DueNextMonthDays', 'DiscountDayOfMonth', 'SalesTermEx'
    )),
    'Attachable': frozenset((
        'Id', 'SyncToken', 'MetaData', 'CustomField', 'AttachableRef', 'domain', 'status',
        'sparse', 'FileName', 'FileAccessUri', 'TempDownloadUri', 'Size', 'ContentType',
        'Category', 'Lat', 'Long', 'PlaceName', 'Note', 'Tag', 'ThumbnailFileAccessUri',
        'ThumbnailTempDownloadUri', 'AttachableEx'
    )),
    'ModificationMetaData': frozenset((
        'CreatedByRef', 'CreateTime', 'LastModifiedByRef', 'LastUpdatedTime', 'LastChangedInQB',
        'Synchronized'
    )),
    'Line': frozenset((
        'Id', 'LineNum', 'Description', 'Amount', 'Received', 'LinkedTxn', 'DetailType',
        'PaymentLineDetail', 'DiscountLineDetail', 'TaxLineDetail', 'SalesItemLineDetail',
        'DescriptionLineDetail', 'ItemBasedExpenseLineDetail', 'AccountBasedExpenseLineDetail',
        'ReimburseLineDetail', 'DepositLineDetail', 'PurchaseOrderItemLineDetail',
        'SalesOrderItemLineDetail', 'ItemReceiptLineDetail', 'JournalEntryLineDetail',
        'GroupLineDetail', 'SubTotalLineDetail', 'TDSLineDetail', 'ItemAdjustmentLineDetail',
        'CustomField', 'LineEx', 'ProjectRef', 'CostAmount', 'HomeCostAmount'
    )),
    'LinkedTxn': frozenset((
        'TxnId', 'TxnType', 'TxnLineId'
    )),
    'EmailAddress': frozenset((
        'Id', 'Address', 'Default', 'Tag'
    )),
    'AttachableRef': frozenset((
        'EntityRef', 'LineInfo', 'IncludeOnSend', 'CustomField', 'AttachableRefEx'
    )),
    'TransactionDeliveryInfo': frozenset((
        'DeliveryType', 'DeliveryTime', 'DeliveryErrorType'
    )),
    'PaymentLineDetail': frozenset((
        'ItemRef', 'ServiceDate', 'ClassRef', 'Balance', 'HomeBalance', 'Discount',
        'PaymentLineEx'
    )),
    'SalesItemLineDetail': frozenset((
        'ItemRef', 'ClassRef', 'UnitPrice', 'UnitCostPrice', 'RatePercent', 'PriceLevelRef',
        'MarkupInfo', 'Qty', 'UOMRef', 'ItemAccountRef', 'InventorySiteRef', 'TaxCodeRef',
        'TaxClassificationRef', 'ServiceDate', 'TaxInclusiveAmt', 'DiscountRate', 'DiscountAmt',
        'DeferredRevenue', 'SalesItemLineDetailEx'
    )),
    'PhysicalAddress': frozenset((
        'Id', 'Line1', 'Line2', 'Line3', 'Line4', 'Line5', 'City', 'Country', 'CountryCode',
        'County', 'CountrySubDivisionCode', 'PostalCode', 'PostalCodeSuffix', 'Lat', 'Long',
        'Tag', 'Note'
    )),
}

# ReferenceType is xs:simpleContent (the id) with the attributes name and type; in JSON the
# content is carried as "value".
REFERENCE_KEYS = frozenset(("value", "name", "type"))

